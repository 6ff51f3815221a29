"""A backup restores into a fresh database with the same signatures and the same counts."""

import os
import re
import signal
import stat
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops import backup
from signatures import services
from signatures.counting import count_for
from signatures.models import CountShard, Signature
from tests.support.factories import make_signature, make_signatures
from tests.support.live import BASE_DIR


@pytest.fixture
def scratch_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# pg_dump, another process, dumps only what the test has committed.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_signatures_and_counts(
    make_petition, admin_user, tmp_path, scratch_database
):
    open_petition = make_petition(goal=10)
    confirming = make_petition(requires_confirmation=True)
    make_signatures(open_petition, 5)
    struck = make_signature(open_petition, email="struck@example.org")
    services.signature_strike(signature=struck, by=admin_user, reason="duplicate person")
    make_signatures(confirming, 3, confirmed=False)
    services.signature_confirm(signature=Signature.objects.filter(petition=confirming).first())

    dump_file = tmp_path / "petitions.dump"
    call_command("backup", dump_file)
    call_command("restore", dump_file, dbname=scratch_database)

    def snapshot(cursor):
        cursor.execute(
            f"SELECT petition_id, email_canonical, name, status FROM {Signature._meta.db_table} "
            "ORDER BY petition_id, email_canonical"
        )
        signatures = cursor.fetchall()
        cursor.execute(
            f"SELECT petition_id, sum(count) FROM {CountShard._meta.db_table} "
            "GROUP BY petition_id ORDER BY petition_id"
        )
        return signatures, cursor.fetchall()

    with connection.cursor() as cursor:
        original = snapshot(cursor)
    with backup.connect(settings.DATABASES["default"], scratch_database) as restored:
        copy = snapshot(restored.cursor())

    assert copy == original
    assert len(copy[0]) == 9
    assert dict(copy[1]) == {open_petition.pk: 5, confirming.pk: 1}
    assert count_for(open_petition) == 5


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    dump_file = tmp_path / "petitions.dump"
    call_command("backup", dump_file)
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", dump_file, dbname=connection.settings_dict["NAME"])


def test_restore_refuses_an_odd_database_name(tmp_path):
    dump_file = tmp_path / "petitions.dump"
    dump_file.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="Not a plain database name"):
        call_command("restore", dump_file, dbname="x; DROP DATABASE petitions")


# The nightly backup compose's backup service runs (ops/postgres/nightly-backup),
# run here with the same major version of pg_dump as compose's db image.
NIGHTLY_BACKUP = BASE_DIR / "ops/postgres/nightly-backup"


def service_environment(backup_dir, **env) -> dict[str, str]:
    """As the backup service runs it: libpq's variables for the test database, pg_dump on PATH."""
    tools = Path(backup.pg_tool("pg_dump")).parent
    return backup.libpq_environment(settings.DATABASES["default"]) | {
        "PATH": f"{tools}:{os.environ['PATH']}",
        "BACKUP_DIR": str(backup_dir),
        **env,
    }


def nightly_backup(*arguments, backup_dir, **env):
    return subprocess.run(
        [NIGHTLY_BACKUP, *arguments],
        env=service_environment(backup_dir, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.django_db(transaction=True)
def test_the_nightly_backup_restores_and_only_the_newest_14_are_kept(
    make_petition, tmp_path, scratch_database
):
    petition = make_petition()
    make_signatures(petition, 3)
    for day in range(1, 17):
        (tmp_path / f"petitions-2026-10-{day:02}.dump").write_bytes(b"an older night")
    (tmp_path / "keep-me.txt").write_text("not a nightly dump")

    result = nightly_backup("--now", backup_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    today = tmp_path / f"petitions-{date.today():%Y-%m-%d}.dump"
    assert f"backup: wrote {today} (" in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == (
        ["keep-me.txt"] + [f"petitions-2026-10-{day:02}.dump" for day in range(4, 17)] + [today.name]
    )
    assert stat.S_IMODE(today.stat().st_mode) == 0o600  # every signer's address is in it
    call_command("restore", today, dbname=scratch_database)
    with backup.connect(settings.DATABASES["default"], scratch_database) as restored:
        (restored_count,) = restored.execute(
            f"SELECT count(*) FROM {Signature._meta.db_table} WHERE petition_id = %s", [petition.pk]
        ).fetchone()
    assert restored_count == 3


def test_a_failed_nightly_backup_says_so_and_leaves_the_kept_ones(tmp_path):
    for day in range(1, 17):
        (tmp_path / f"petitions-2026-10-{day:02}.dump").write_bytes(b"an older night")
    result = nightly_backup("--now", backup_dir=tmp_path, PGDATABASE="no_such_database")
    assert result.returncode != 0
    assert "backup: pg_dump failed with exit status" in result.stderr
    assert len(list(tmp_path.iterdir())) == 16  # nothing half-written, nothing deleted


@pytest.mark.parametrize(
    ("after", "next_run"),
    [
        ("2026-11-30 10:00", "2026-12-01 03:00:00 CST"),
        ("2026-11-30 02:59", "2026-11-30 03:00:00 CST"),
        ("2027-03-13 20:00", "2027-03-14 03:00:00 CDT"),  # clocks go forward that night
        ("2027-03-14 03:00", "2027-03-15 03:00:00 CDT"),
        ("2027-11-06 23:00", "2027-11-07 03:00:00 CST"),  # and back
    ],
)
def test_the_nightly_backup_runs_at_three_in_the_morning_local_time(tmp_path, after, next_run):
    result = nightly_backup("--next", after, backup_dir=tmp_path, TZ="America/Chicago")
    assert result.stdout.strip() == next_run, result.stderr


def test_the_nightly_backup_waits_for_its_hour_and_stops_when_asked(tmp_path):
    # The service's own command: no argument.
    backup_dir = tmp_path / "backups"
    with subprocess.Popen(
        [NIGHTLY_BACKUP],
        env=service_environment(backup_dir, TZ="America/Chicago"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as service:
        first_line = service.stdout.readline()
        service.send_signal(signal.SIGTERM)  # `docker compose stop`
        assert service.wait(timeout=60) == 0, service.stderr.read()
    assert re.search(
        rf"backup: nightly at 03:00 \(C[SD]T\) into {backup_dir}, the newest 14 kept$", first_line
    )
    assert backup_dir.is_dir() and list(backup_dir.iterdir()) == []
