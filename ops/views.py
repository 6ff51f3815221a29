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
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request):
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
