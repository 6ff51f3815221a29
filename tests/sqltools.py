"""Recording the SQL statements a request runs, to compare what two requests cost."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def recorded_sql():
    """The text of every statement run on the default connection, without its parameters.

    The parameters travel apart from the SQL (server-side binding), so two
    runs of the same code give the same texts whatever the values. Recorded
    as they run: CaptureQueriesContext misses a test client's request, whose
    start resets the query log.
    """
    sql = []

    def record(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(record):
        yield sql
