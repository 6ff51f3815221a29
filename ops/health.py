"""The probes a container platform or load balancer polls.

``/healthz``: the process is up and answering (nothing else is touched, so a
database outage does not get every web container restarted).
``/readyz``: the database and the cache answer, so this instance can serve.

They are answered by a middleware near the top of the stack
(config.middleware.HealthCheckMiddleware, through probe_response), before host
validation and the HTTPS redirect: probes come over plain HTTP from inside the
container or the platform, with whatever Host header it uses, and must still
get a straight answer. They say only "ok" or "unavailable" per dependency.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


def probe_response(path: str) -> JsonResponse | None:
    """The answer to /healthz or /readyz; None for any other path."""
    if path == "/healthz":
        return _probe_response({"status": "ok"})
    if path == "/readyz":
        checks = {"database": _database_ok(), "cache": _cache_ok()}
        ready = all(checks.values())
        return _probe_response(
            {
                "status": "ok" if ready else "unavailable",
                **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
            },
            status=200 if ready else 503,
        )
    return None


def _probe_response(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except (DatabaseError, InterfaceError) as error:
        logger.warning("readyz: database unavailable: %s", error)
        return False


def _cache_ok() -> bool:
    # A key of its own per probe: concurrent probes from several workers
    # must not read each other's value.
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok
    except Exception as error:  # the Redis client raises its own family of errors
        logger.warning("readyz: cache unavailable: %s", error)
        return False
