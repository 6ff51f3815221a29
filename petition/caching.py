"""The public pages' shared caching: what a crowd reloads during a surge.

The campaign page and count.json are the same for every visitor (no cookie, no token, no session), so a
CDN or a browser can keep them for a few seconds and then revalidate with
the ETag: one response serves every reload in that window.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


def cached_publicly(max_age: int):
    """Shared caches may keep the response max_age seconds; an ETag of the body, 304 when it still matches.

    The ETag is a hash of the body, count included, so a 304 is never stale.
    No Last-Modified: the count changes many times a second and HTTP dates
    have one-second resolution, so a date could wrongly answer "not modified".

    Each process also keeps the response for MICROCACHE_SECONDS, so that a
    storm reaching the server (no CDN, or reloads that skip it) costs one
    render per page per second per process, not one per request.

    A response that turns out to belong to one visitor (see _per_visitor) is
    a bug in the page, but it must not reach anyone else because of it: it is
    sent uncacheable, never kept, and logged.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            key = f"page:{get_language()}:{request.get_full_path()}"
            kept = caches["fragments"].get(key) if settings.MICROCACHE_SECONDS else None
            if kept is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                reason = _per_visitor(request, response)
                if reason:
                    logger.warning("%s is not cached publicly: %s", request.get_full_path(), reason)
                    add_never_cache_headers(response)
                    return response
                set_response_etag(response)
                if settings.MICROCACHE_SECONDS:
                    caches["fragments"].set(
                        key, (response.content, response["Content-Type"], response["ETag"]),
                        settings.MICROCACHE_SECONDS,
                    )
            else:
                content, content_type, etag = kept
                response = HttpResponse(content, content_type=content_type)
                response["ETag"] = etag
            # Shared caches (a CDN) keep it for max_age seconds; a browser asks
            # again every time (a cheap 304 while the ETag matches), so a
            # signer coming back to the page never sees the count before theirs.
            patch_cache_control(response, public=True, max_age=0, s_maxage=max_age, must_revalidate=True)
            return get_conditional_response(request, etag=response["ETag"], response=response)

        return wrapped

    return decorator


def _per_visitor(request, response) -> str:
    """Why this response is one visitor's own, or "" when it can be the same for everyone.

    The session, CSRF and messages middleware add their cookie or Vary: Cookie
    only after the view returns, so what they will add is read from the request.
    """
    if response.cookies:
        return "it sets a cookie"
    if "cookie" in (header.strip().lower() for header in response.get("Vary", "").split(",")):
        return "it varies on Cookie"
    # get_token() sets this: the body holds a CSRF token (the secret, masked).
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return "it used the CSRF token"
    if getattr(get_messages(request), "used", False):
        return "it showed flash messages"
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return "it read the session"
    return ""
