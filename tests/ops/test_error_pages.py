"""Errors reach the log, never the browser; a database outage gets a friendly 503."""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError
from django.test import RequestFactory

from ops.views import bad_request, server_error


def test_a_database_outage_gets_the_friendly_503_page():
    request = RequestFactory().get("/")
    try:
        raise OperationalError('connection to server on socket "/tmp/.s.PGSQL.5432" failed')
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "PGSQL" not in page and "Traceback" not in page


def test_any_other_error_gets_the_plain_500_page():
    request = RequestFactory().get("/")
    try:
        raise KeyError("secret detail")
    except KeyError:
        response = server_error(request)
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()


def test_a_session_lost_to_a_database_outage_gets_the_503_page_not_a_400():
    request = RequestFactory().get("/")
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as lost:
            raise UpdateError from lost
    except UpdateError:
        try:
            raise SessionInterrupted("The request's session was deleted")
        except SessionInterrupted as interrupted:
            exception = interrupted
    assert bad_request(request, exception).status_code == 503
    assert bad_request(request, SessionInterrupted("deleted")).status_code == 400
