"""The scheduled jobs (`manage.py scheduler`, compose's `scheduler` service)."""

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ops.scheduler import Job, Scheduler, delete_old_backups, jobs
from tests.support import live

CHICAGO = ZoneInfo("America/Chicago")


def by_name(backup_dir=Path("backups")) -> dict[str, Job]:
    return {job.name: job for job in jobs(backup_dir=backup_dir)}


def test_mail_is_requeued_at_start_up_and_every_five_minutes():
    requeue = by_name()["requeue_mail"]
    start = datetime(2026, 11, 30, 10, 2, tzinfo=CHICAGO)
    assert requeue.first_run(start) == start
    assert requeue.next_run(start) == start + timedelta(minutes=5)


def test_nightly_jobs_run_once_a_day_at_their_local_hour_across_daylight_saving():
    backup = by_name()["backup"]
    evening = datetime(2027, 3, 13, 20, 0, tzinfo=CHICAGO)  # clocks go forward that night
    first = backup.first_run(evening)
    assert (first.date().isoformat(), first.hour, first.minute) == ("2027-03-14", 3, 0)
    second = backup.next_run(first)
    assert (second.date().isoformat(), second.hour) == ("2027-03-15", 3)
    assert second - first == timedelta(hours=24) and second.timestamp() - first.timestamp() == 24 * 3600
    assert {job.name for job in jobs(backup_dir=Path("b")) if job.daily_at} == {
        "purge_pending", "anonymise_closed", "backup"
    }


@pytest.mark.django_db(transaction=True)
def test_every_job_runs_logs_its_exit_status_and_a_failing_one_stops_none(
    make_petition, tmp_path, caplog, monkeypatch
):
    make_petition()
    monkeypatch.setenv("DATABASE_URL", live.test_database_url())
    broken = Job("broken", lambda now: ["no_such_command"], timeout=timedelta(minutes=1), every=timedelta(hours=1))
    start = datetime(2026, 11, 30, 12, 0, tzinfo=CHICAGO)
    scheduler = Scheduler([broken, *jobs(backup_dir=tmp_path)], now=start)
    caplog.set_level(logging.INFO, logger="ops.scheduler")

    for thread in scheduler.start_due(start + timedelta(days=1)):
        thread.join(timeout=120)

    lines = {record.getMessage().split(":")[0]: record for record in caplog.records}
    assert set(lines) == {"broken", "requeue_mail", "purge_pending", "anonymise_closed", "backup"}
    assert "exit status 1" in lines["broken"].getMessage() and lines["broken"].levelno == logging.ERROR
    for name in ("requeue_mail", "purge_pending", "anonymise_closed", "backup"):
        assert "exit status 0" in lines[name].getMessage(), lines[name].getMessage()
    assert "Queued 0 unsent email(s)" in lines["requeue_mail"].getMessage()
    assert [path.name for path in tmp_path.iterdir()] == ["petitions-2026-12-01.dump"]
    # Each ran once: nothing is due again before its next time.
    assert scheduler.start_due(start + timedelta(days=1, minutes=1)) == []


def test_a_job_still_running_is_not_started_again(caplog):
    slow = Job("slow", lambda now: ["shell", "-c", "import time; time.sleep(3)"],
               timeout=timedelta(minutes=1), every=timedelta(seconds=1))
    start = datetime(2026, 11, 30, 12, 0, tzinfo=CHICAGO)
    scheduler = Scheduler([slow], now=start)
    (first,) = scheduler.start_due(start)
    assert scheduler.start_due(start + timedelta(seconds=1)) == []
    assert "slow: still running" in caplog.text
    first.join(timeout=30)


def test_a_job_over_its_time_limit_is_killed_with_what_it_started_and_logged(caplog):
    # What it starts stands for pg_dump under `manage.py backup`.
    marker = "61.2345"
    hung = Job("hung", lambda now: ["shell", "-c", f"import subprocess; subprocess.run(['sleep', '{marker}'])"],
               timeout=timedelta(seconds=10), every=timedelta(minutes=1))
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


def test_only_the_newest_backups_are_kept(tmp_path):
    for day in range(1, 17):
        (tmp_path / f"petitions-2026-11-{day:02}.dump").write_bytes(b"x")
    (tmp_path / "keep-me.txt").write_text("not a nightly dump")
    delete_old_backups(tmp_path)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["keep-me.txt"] + [f"petitions-2026-11-{day:02}.dump" for day in range(3, 17)]
