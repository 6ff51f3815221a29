import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# Seconds a browser or client is asked to wait before trying again while the
# database is unreachable; restarts and failovers take about that long.
RETRY_AFTER_SECONDS = 10


def server_error(request):
    """handler500: a friendly 503 when the database is unreachable, the plain 500 page otherwise.

    Django calls it while the exception is being handled, wherever it was
    raised (the view, or a middleware such as the session saving its row),
    so one place covers them all. The traceback has already gone to the log
    (django.request); none of it reaches the browser.
    """
    if _database_outage(sys.exception()):
        return database_unavailable(request)
    return defaults.server_error(request)


def bad_request(request, exception):
    """handler400. The session middleware reports a failed save as a 400
    (SessionInterrupted, meant for a session deleted meanwhile); when the
    database is what failed, the visitor gets the same 503 as for any outage.
    """
    if _database_outage(exception):
        return database_unavailable(request)
    return defaults.bad_request(request, exception)


def database_unavailable(request):
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _database_outage(exception) -> bool:
    """Whether the database being unreachable is the exception or what led to it."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False
