"""One log line per request with its id; JSON lines for log collectors."""

import json
import logging
import socket
import sys
import time

import pytest

from ops.request_log import JsonFormatter, RequestIdFilter
from tests.config.test_settings import run_settings
from tests.support.live import gunicorn


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
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x/",),
            sys.exc_info(),
        )
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
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }
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


@pytest.mark.live
def test_gunicorn_logs_an_invalid_request_without_the_client_address():
    # Without Redis, so that no line names a server on this host either.
    with gunicorn(workers=1, ready_path="/healthz", env={"REDIS_URL": ""}) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"NOT A REQUEST LINE\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 400")
        deadline = time.monotonic() + 10
        while "Invalid request from" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = server.log()
    assert "Invalid request from ip=[address]" in log
    assert "127.0.0.1" not in log


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Invalid request from ip=2001:db8::7: bad", "Invalid request from ip=[address]: bad"),
        ("Invalid request from ip=::ffff:198.51.100.7: bad", "Invalid request from ip=[address]: bad"),
        ("Proxy request from '198.51.100.7' not allowed", "Proxy request from '[address]' not allowed"),
        ("Listening at: http://[::1]:8000 (7)", "Listening at: http://[[address]]:8000 (7)"),
        ("Worker timeout at 12:02:40 (pid:31096)", "Worker timeout at 12:02:40 (pid:31096)"),
    ],
)
def test_gunicorns_address_filter_takes_out_ipv4_and_ipv6_only(message, expected):
    from config.gunicorn import RedactAddresses

    record = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, "%s", (message,), None)
    RedactAddresses().filter(record)
    assert record.getMessage() == expected
