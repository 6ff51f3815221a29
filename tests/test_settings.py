"""Settings are safe by default: run in a fresh interpreter with a chosen environment."""

import os
import subprocess
import sys

import pytest

PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=base, capture_output=True, text=True, timeout=60
    )


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
