"""The site's scheduled jobs, run by one long-lived process: `manage.py scheduler`.

compose.yaml runs it as a service of its own, so a deployment needs no cron on
the host or in the image. Each job is a management command run in a process of
its own, so a job that fails, hangs or leaks memory cannot stop the others or
the scheduler; jobs run side by side (a long purge does not hold up the mail),
but never two runs of the same job at once. Each run logs one line with its
exit status and what the command printed.

The nightly backup is not one of these jobs: it needs a pg_dump at least as new
as the database server, which the site's image does not carry, so compose runs
ops/postgres/nightly-backup in the postgres image instead.
"""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # manage.py's arguments.
    arguments: tuple[str, ...]
    timeout: timedelta
    every: timedelta | None = None
    # Local time in settings.TIME_ZONE, the organizers' day.
    daily_at: time_of_day | None = None

    def first_run(self, now: datetime) -> datetime:
        # A job on an interval runs at start-up too: after a restart, mail that
        # a killed worker left unsent is queued again at once.
        return now if self.every else self.next_run(now)

    def next_run(self, after: datetime) -> datetime:
        if self.every:
            return after + self.every
        day = after.date()
        while True:
            # Built from the date, so it stays at the same local hour across a
            # daylight-saving change.
            candidate = datetime.combine(day, self.daily_at, tzinfo=after.tzinfo)
            if candidate.timestamp() > after.timestamp():
                return candidate
            day += timedelta(days=1)


# What docs/deploying.md asks to schedule in production.
JOBS = [
    Job("requeue_mail", ("requeue_mail",), every=timedelta(minutes=5), timeout=timedelta(minutes=5)),
    Job("requeue_updates", ("requeue_updates",), every=timedelta(minutes=5), timeout=timedelta(minutes=5)),
    Job("purge_pending", ("purge_pending",), daily_at=time_of_day(2, 0), timeout=timedelta(hours=1)),
    Job("anonymise_closed", ("anonymise_closed",), daily_at=time_of_day(2, 15), timeout=timedelta(hours=1)),
    Job("purge_packets", ("purge_packets",), daily_at=time_of_day(2, 30), timeout=timedelta(minutes=30)),
]


def run(job: Job) -> None:
    """Run one job to its end (or its time limit) and log one line about it."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *job.arguments]
    clock = time.monotonic()
    # Its log lines and errors (stderr) go straight to the service's log; what
    # it prints as its result goes on the line below. A session of its own, so
    # that at its time limit what it started is killed with it.
    with subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            printed, _ = process.communicate(timeout=job.timeout.total_seconds())
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.error("%s: killed after %s, its time limit", job.name, job.timeout)
            return
    seconds = time.monotonic() - clock
    printed = " / ".join(line.strip() for line in printed.splitlines() if line.strip())
    level = logging.INFO if process.returncode == 0 else logging.ERROR
    logger.log(
        level,
        "%s: exit status %d after %.1fs%s",
        job.name,
        process.returncode,
        seconds,
        f": {printed}" if printed else "",
    )


class Scheduler:
    def __init__(self, jobs: list[Job], *, now: datetime):
        self.jobs = jobs
        self.due = {job.name: job.first_run(now) for job in jobs}
        self.running: dict[str, threading.Thread] = {}

    def start_due(self, now: datetime) -> list[threading.Thread]:
        """Start every job that is due (each in a thread of its own); the threads started."""
        started = []
        for job in self.jobs:
            if now.timestamp() < self.due[job.name].timestamp():
                continue
            self.due[job.name] = job.next_run(now)
            previous = self.running.get(job.name)
            if previous is not None and previous.is_alive():
                logger.warning("%s: still running from its last start, this run is skipped", job.name)
                continue
            thread = threading.Thread(target=run, args=(job,), name=job.name, daemon=True)
            thread.start()
            self.running[job.name] = thread
            started.append(thread)
        return started

    def run_forever(self) -> None:
        while True:
            now = timezone.localtime()
            self.start_due(now)
            next_due = min(self.due.values())
            time.sleep(min(max((next_due - now).total_seconds(), 1), 60))
