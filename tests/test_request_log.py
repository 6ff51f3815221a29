"""One log line per request with its id; JSON lines for log collectors."""

import json
import logging
import sys

import pytest

from ops.request_log import JsonFormatter, RequestIdFilter
from tests.test_settings import run_settings


@pytest.mark.django_db
def test_each_request_is_logged_once_with_its_id(client, petition, caplog):
    caplog.set_level(logging.INFO, logger="petitions.request")
    response = client.get(petition.get_absolute_url() + "?email=maria@example.org")
    request_id = response["X-Request-ID"]
    lines = [r for r in caplog.records if r.name == "petitions.request"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith(f"GET {petition.get_absolute_url()} 200 ")
    # The query string can carry personal data; it is not logged.
    assert "maria" not in lines[0].getMessage()
    assert len(request_id) == 32
    assert lines[0].http["status"] == 200


def test_a_sane_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd-ef")
    assert response["X-Request-ID"] == "proxy-1234abcd-ef"


@pytest.mark.parametrize("incoming", ["short", "x" * 200, "has space inside", "evil\nline-injection"])
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_path_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="petitions.request")
    client.get("/petitions/x%0Aforged 200/")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "petitions.request"]
    assert "\n" not in line
    assert "x%0Aforged%20200" in line


def test_json_lines_carry_the_request_fields_and_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                                   "Internal Server Error: %s", ("/x/",), sys.exc_info())
    record.http = {"status": 500}
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Internal Server Error: /x/"
    assert entry["time"].endswith("+00:00")
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "-"
    assert entry["http"] == {"status": 500}
    assert "ValueError: boom" in entry["traceback"]


@pytest.mark.django_db
def test_what_django_logs_after_the_middleware_carries_the_request_id_too(client, settings, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    # A 503 from the readiness probe (cache unreachable) is logged by Django's
    # handler once every middleware has returned.
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }}
    response = client.get("/readyz")
    logging.getLogger("tests").warning("after the request")
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    assert error.getMessage() == "Service Unavailable: /readyz"
    assert error.request_id == response["X-Request-ID"]
    assert caplog.records[-1].request_id == "-"


def test_an_unknown_log_format_is_refused_at_startup():
    result = run_settings(SECRET_KEY="x" * 50, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
