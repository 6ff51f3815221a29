"""The scheduled jobs (`manage.py scheduler`, compose's `scheduler` service)."""

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ops.scheduler import JOBS, Job, Scheduler
from tests.support import live

CHICAGO = ZoneInfo("America/Chicago")
BY_NAME = {job.name: job for job in JOBS}


def test_mail_is_requeued_at_start_up_and_every_five_minutes():
    requeue = BY_NAME["requeue_mail"]
    start = datetime(2026, 11, 30, 10, 2, tzinfo=CHICAGO)
    assert requeue.first_run(start) == start
    assert requeue.next_run(start) == start + timedelta(minutes=5)


def test_nightly_jobs_run_once_a_day_at_their_local_hour_across_daylight_saving():
    purge = BY_NAME["purge_pending"]

    def wall_clock(run: datetime) -> str:
        """The local time a clock on the wall shows at that instant."""
        return datetime.fromtimestamp(run.timestamp(), CHICAGO).strftime("%Y-%m-%d %H:%M %Z")

    # Clocks go back that night: 1:00-1:59 comes twice, 2:00 once.
    first = purge.first_run(datetime(2027, 11, 6, 20, 0, tzinfo=CHICAGO))
    second = purge.next_run(first)
    assert [wall_clock(first), wall_clock(second)] == ["2027-11-07 02:00 CST", "2027-11-08 02:00 CST"]
    assert second.timestamp() - first.timestamp() == 24 * 3600
    # Clocks go forward that night, from 2:00 straight to 3:00: the job runs
    # then, once, and at 2:00 again the next night.
    first = purge.first_run(datetime(2027, 3, 13, 20, 0, tzinfo=CHICAGO))
    second = purge.next_run(first)
    assert [wall_clock(first), wall_clock(second)] == ["2027-03-14 03:00 CDT", "2027-03-15 02:00 CDT"]
    assert {job.name for job in JOBS if job.daily_at} == {
        "purge_pending",
        "anonymise_closed",
        "purge_packets",
    }


@pytest.mark.django_db(transaction=True)
def test_every_job_runs_logs_its_exit_status_and_a_failing_one_stops_none(make_petition, caplog, monkeypatch):
    make_petition()
    monkeypatch.setenv("DATABASE_URL", live.test_database_url())
    broken = Job("broken", ("no_such_command",), timeout=timedelta(minutes=1), every=timedelta(hours=1))
    start = datetime(2026, 11, 30, 12, 0, tzinfo=CHICAGO)
    scheduler = Scheduler([broken, *JOBS], now=start)
    caplog.set_level(logging.INFO, logger="ops.scheduler")

    for thread in scheduler.start_due(start + timedelta(days=1)):
        thread.join(timeout=120)

    lines = {record.getMessage().split(":")[0]: record for record in caplog.records}
    assert set(lines) == {
        "broken",
        "requeue_mail",
        "requeue_updates",
        "purge_pending",
        "anonymise_closed",
        "purge_packets",
    }
    assert "exit status 1" in lines["broken"].getMessage() and lines["broken"].levelno == logging.ERROR
    for name in ("requeue_mail", "requeue_updates", "purge_pending", "anonymise_closed", "purge_packets"):
        assert "exit status 0" in lines[name].getMessage(), lines[name].getMessage()
    assert "Queued 0 unsent email(s)" in lines["requeue_mail"].getMessage()
    # Each ran once: nothing is due again before its next time.
    assert scheduler.start_due(start + timedelta(days=1, minutes=1)) == []


def test_a_job_still_running_is_not_started_again(caplog):
    slow = Job(
        "slow",
        ("shell", "-c", "import time; time.sleep(3)"),
        timeout=timedelta(minutes=1),
        every=timedelta(seconds=1),
    )
    start = datetime(2026, 11, 30, 12, 0, tzinfo=CHICAGO)
    scheduler = Scheduler([slow], now=start)
    (first,) = scheduler.start_due(start)
    assert scheduler.start_due(start + timedelta(seconds=1)) == []
    assert "slow: still running" in caplog.text
    first.join(timeout=30)


def test_a_job_over_its_time_limit_is_killed_with_what_it_started_and_logged(caplog):
    # What it starts stands for a tool a command runs, such as pg_dump under `manage.py backup`.
    marker = "61.2345"
    hung = Job(
        "hung",
        ("shell", "-c", f"import subprocess; subprocess.run(['sleep', '{marker}'])"),
        timeout=timedelta(seconds=10),
        every=timedelta(minutes=1),
    )
    start = datetime(2026, 11, 30, 12, 0, tzinfo=CHICAGO)
    (thread,) = Scheduler([hung], now=start).start_due(start)
    seen, clock = False, time.monotonic()
    while thread.is_alive() and time.monotonic() - clock < 40:
        seen = seen or sleeping(marker)
        time.sleep(0.2)
    assert seen, "the job did not get as far as starting its process"
    assert not thread.is_alive(), "the job outlived its time limit"
    assert "hung: killed after 0:00:10, its time limit" in caplog.text
    assert not sleeping(marker)


def sleeping(marker: str) -> bool:
    """Whether a `sleep marker` process is running."""
    for pid in Path("/proc").iterdir():
        try:
            if (pid / "cmdline").read_text() == f"sleep\0{marker}\0":
                return True
        except OSError:  # not a process, or it has just ended
            continue
    return False
