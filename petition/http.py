"""HTTP habits of the public pages: shared caching, and form posts without CSRF tokens.

The campaign page and count.json are what a crowd reloads during a surge.
They are the same for every visitor (no cookie, no token, no session), so a
CDN or a browser can keep them for a few seconds and then revalidate with
the ETag: one response serves every reload in that window.
"""

import logging
import time
from functools import lru_cache, wraps
from urllib.parse import unquote

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import get_callable, get_script_prefix, get_urlconf, reverse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from petition.models import Petition

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


# slug -> (monotonic time it was read, petition); see signing_petition().
_signing_petitions: dict[str, tuple[float, Petition]] = {}


def signing_petition(slug: str) -> Petition | None:
    """The visible petition with this slug, without its campaign text, kept per process.

    Signing needs it on every request (its limits, whether it is open, whether
    it requires confirmation): the same row, read hundreds of times a second
    during a surge. Each process reuses it for MICROCACHE_SECONDS, the same
    second the campaign page is reused, so an organizer's change reaches
    signing as soon as it reaches the page. The opening and closing times are
    checked against the clock on every request (Petition.is_open), so a
    petition still closes on time to the second.
    """
    seconds = settings.MICROCACHE_SECONDS
    kept = _signing_petitions.get(slug)
    if kept is not None and time.monotonic() - kept[0] < seconds:
        return kept[1]
    # The campaign text is only needed to show the form again with errors.
    petition = Petition.objects.visible().defer("body", "body_es").filter(slug=slug).first()
    if petition is not None and seconds:
        _signing_petitions[slug] = (time.monotonic(), petition)
    return petition


def same_origin_post(view):
    """Refuse a form post that a browser sent from another site, with no CSRF token.

    This is what a CSRF token prevents, decided from the headers browsers
    attach to every request: Sec-Fetch-Site (all current browsers) or, before
    it, Origin. A request with neither does not come from a browser, so no
    visitor's browser can be made to send it. Only for anonymous forms: the
    views using it act with no one's authority but the data posted.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _from_same_origin(request):
            failure = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure(request, reason="Cross-site form post refused (Sec-Fetch-Site/Origin).")
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True
    return wrapped


def _from_same_origin(request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        # "none": typed into the address bar or a bookmark, never another site.
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def is_own_path(url: str, request) -> bool:
    """Whether a redirect to url stays on this site: a path, or an address on this host.

    A path that starts with two slashes or a backslash is another host to a
    browser; a request can carry one (//evil.example/, or /%2Fevil.example/,
    which the server decodes into one), and translate_url() keeps it as a host.
    """
    return (
        url.startswith("/")
        and not unquote(url).startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    )


def petition_url(viewname: str, petition) -> str:
    """reverse() of one of a petition's pages, remembered per process.

    Signing redirects on every signature, and reverse() through the language
    prefix costs more than the rest of the redirect. The URL depends only on
    these arguments, the active language, the script prefix and the URLconf,
    which together are the key.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _petition_url(viewname, petition.slug, get_language(), get_script_prefix(), urlconf)


@lru_cache(maxsize=1024)
def _petition_url(viewname, slug, language, script_prefix, urlconf) -> str:
    return reverse(viewname, kwargs={"slug": slug}, urlconf=urlconf)
