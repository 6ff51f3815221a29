"""Recording the SQL statements a request runs, to compare what two requests cost."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.test import Client

from tests.support.mailtools import without_csrf_token


@contextmanager
def recorded_sql():
    """The text of every statement run on the default connection, without its parameters.

    The parameters travel apart from the SQL (server-side binding), so two
    runs of the same code give the same texts whatever the values. Recorded
    as they run: CaptureQueriesContext misses a test client's request, whose
    start resets the query log.

    The statements on a database cache's table (the rate-limit counters when
    there is no Redis) are left out: they depend on how often this client and
    this address have asked (the first ask inserts a counter, the next update
    it), whether or not the address signed.
    """
    sql = []
    cache_tables = [
        f'"{cache["LOCATION"]}"'
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache")
    ]

    def record(execute, statement, params, many, context):
        if not any(table in statement for table in cache_tables):
            sql.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(record):
        yield sql


def post_from_a_fresh_browser(url: str, data: dict):
    """POST a form from a new browser: the response, the SQL it ran, and the page it leads to (no token)."""
    client = Client()
    with recorded_sql() as sql:
        response = client.post(url, data)
    page = client.get(response["Location"])
    return response, sql, without_csrf_token(page.content.decode())


def assert_answers_alike(signed, not_signed):
    """Two post_from_a_fresh_browser answers, for an address that signed and one that did not:
    nothing tells them apart, down to the SQL, which does not read the signatures table."""
    (response, sql, page), (other, other_sql, other_page) = signed, not_signed
    assert response.status_code == other.status_code == 302
    assert response["Location"] == other["Location"]
    assert sorted(response.cookies) == sorted(other.cookies)
    assert page == other_page
    assert sql == other_sql
    assert not any('"signatures_signature"' in statement for statement in sql), sql
