"""One log line per request, and the request's id on every line logged while it runs.

Written by config.middleware.RequestLogMiddleware through request_begins()
and log_request(). The id comes from the X-Request-ID header when a proxy in front already chose
one (so its logs and ours can be joined), otherwise it is made here; either
way it goes back in the response header. Nothing that identifies a person is
logged: no client address, no query string, no form data.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

from django.utils.encoding import escape_uri_path

logger = logging.getLogger("petitions.request")

_request_id = contextvars.ContextVar("request_id", default="-")
# What a proxy's id looks like (UUIDs, hex, Heroku/Cloudflare style ids);
# anything else (long, spaces, control characters) is replaced, not logged.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# Platform probes every few seconds would drown the log at INFO.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


def request_begins(request) -> str:
    """The request's id, kept on the request and on every line logged until it finishes.

    The id comes from the proxy's X-Request-ID when it looks like one, else a
    new one. Kept until the request has finished (see request_finished
    below), so that what Django logs after the middleware has returned, and
    the closing of the response, still carry it.
    """
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    request.request_id = request_id
    _request_id.set(request_id)
    return request_id


def log_request(request, response, *, duration_ms: float) -> None:
    """The one line of a request: method, path (no query string), status and duration."""
    quiet = request.path in PROBE_PATHS and response.status_code == 200
    # escape_uri_path percent-encodes control characters, so a hostile
    # path cannot forge extra log lines.
    path = escape_uri_path(request.path)
    logger.log(
        logging.DEBUG if quiet else logging.INFO,
        "%s %s %s %sms",
        request.method,
        path,
        response.status_code,
        duration_ms,
        extra={
            "http": {
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            }
        },
    )


def request_finished(**kwargs):
    """Connected to Django's request_finished signal (OpsConfig.ready)."""
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Adds request_id to every record (``-`` outside a request), for both formats."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors (LOG_FORMAT=json)."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if hasattr(record, "http"):
            entry["http"] = record.http
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
