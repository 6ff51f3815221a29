"""The public pages' one caching layer, derived from what they show.

The campaign page, count.json and the privacy page are the same for every
visitor (no cookie, no token, no session), which is what a refresh storm needs:

- Their ETag is a digest of what the page shows: the site's code, the
  language, the facts the page is drawn from (for the campaign page: the
  petition's last change, whether it is open, the count, the page of signers)
  and the values of the request it carries (the share code). Django's
  `condition()` answers a matching If-None-Match with a 304 before anything is
  drawn. Browsers revalidate on every reload; CDNs keep a copy s-maxage seconds.
- Each process reads those facts at most once per MICROCACHE_SECONDS (and
  again after a request that may write, see forget_facts), and keeps the body
  drawn from them for as long as they stay the same: the database sees one
  read per page per window per process however many requests come, and the
  CPU one render per change.
- The copy depends on the query string only through the parameters the page
  reads, normalised, and read as the proxy keys its copies (query_value):
  ?cb=<anything> is the same copy.

A kept body has slots for the values that are not the same for every
request: the bot trap's timestamp, which must stay fresh for the trap to tell
how fast a form came back (refreshed with each read of the facts, and never in
the ETag), and the share code from the link (any valid code, without a copy
of the page per code). A NUL character marks them: the database cannot store
one (PostgreSQL text refuses it), so no page text can contain one.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import escape
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import condition

logger = logging.getLogger(__name__)

# The per-process cache the copies and facts are kept in (settings.CACHES).
PAGES = "pages"
_SLOT = "\0"
# Bumped by every request that may write (forget_facts): facts read before it are stale.
_writes = 0


def slot(name: str) -> str:
    """Where a kept body takes a per-request value: put it in the page as the value itself."""
    return f"{_SLOT}{name}{_SLOT}"


def query_value(request, name: str) -> str | None:
    """A query parameter as the proxy reads it for its cache key ($arg_NAME, ops/nginx/proxy.conf).

    The first NAME= in the query string, the name in any case and not
    decoded, as nginx finds it; Django's request.GET would take the last one
    and decode the name. Read otherwise, a request could fill the proxy's copy
    for one value with the page for another (?signers=2&signers=40).
    """
    for pair in request.META.get("QUERY_STRING", "").split("&"):
        key, equals, value = pair.partition("=")
        if equals and key.lower() == name:
            return unquote_plus(value)
    return None


@dataclass(frozen=True)
class Shown:
    """What a request for a public page asks for; see cached_publicly.

    key: which facts, as plain values: the view's arguments and the query
      parameters the page reads, normalised (never the raw query string).
    read: reads those facts from the database; None when there is no such
      page. Facts have a `version` (a tuple of plain values: everything the
      body is drawn from, so the same version is the same body) and may have
      `fills` (values for the body's slots, read with them, not in the ETag)
      and `headers` (response headers drawn from them, such as the embed
      page's Content-Security-Policy: set on every answer, a 304 included, so
      that a browser revalidating its copy is not handed another policy).
    fills: the request's own values for the body's slots; part of the ETag.
    """

    key: tuple
    read: Callable[[], Any]
    fills: dict[str, str] = field(default_factory=dict)


def cached_publicly(max_age: int, *, shown_by: Callable[..., Shown]):
    """A view whose response is the same for everyone: kept per process, 304 by ETag, public for max_age seconds.

    shown_by(request, *args, **kwargs) says what the request asks for (a
    Shown). The view is called only to draw a body this process does not keep
    yet, with the facts as the keyword argument `facts` (None: nothing to
    show; the view answers, a 404, which is not kept).

    A response that turns out to belong to one visitor (see _per_visitor) is
    a bug in the page, but it must not reach anyone else because of it: it is
    sent uncacheable, never kept, and logged.
    """

    # The same for every response: patch_cache_control() on a blank one.
    # Shared caches (a CDN) keep it for max_age seconds; a browser asks again
    # every time (a cheap 304 while the ETag matches), so a signer coming back
    # to the page never sees the count from before their signature.
    public = HttpResponse()
    patch_cache_control(public, public=True, max_age=0, s_maxage=max_age, must_revalidate=True)
    cache_control = public["Cache-Control"]

    def decorator(view):
        # The CSRF middleware adds its cookie only after the view returns; run
        # its response step on the view's own response (Django's decorator
        # form of it), so that a body holding a CSRF token shows as one that
        # sets a cookie before it could be kept (_per_visitor).
        draw = requires_csrf_token(view)

        def etag(request, *args, copy, **kwargs):
            return copy.etag

        def answer(request, *args, copy, **kwargs):
            response = copy.response(request, draw, args, kwargs)
            if copy.public:
                response["Cache-Control"] = cache_control
            return response

        # Django's condition() answers a matching If-None-Match with a 304
        # before anything else is done; otherwise, the answer.
        conditional = condition(etag_func=etag)(answer)

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            copy = _Copy(shown_by(request, *args, **kwargs))
            response = conditional(request, *args, copy=copy, **kwargs)
            if response.status_code == 304:
                response["Cache-Control"] = cache_control
            if response.status_code in (200, 304):
                for header, value in copy.headers.items():
                    response[header] = value
            return response

        return wrapped

    return decorator


class _Copy:
    """What this process has for one request: the version of its facts, its ETag, its body."""

    def __init__(self, shown: Shown):
        self.shown = shown
        self.key = _digest(shown.key)
        self.public = False
        kept = caches[PAGES].get(f"facts:{self.key}")
        if kept is not None and kept[0] == _writes:
            self.version, self.fills, self.headers = kept[1:]
            self.facts = None
            self.etag = self._etag()
        else:
            self._read()

    def _read(self):
        """Read the facts: their version (a digest) and fills, kept for MICROCACHE_SECONDS."""
        writes = _writes
        self.facts = self.shown.read()
        if self.facts is None:
            self.version, self.fills, self.headers = None, {}, {}
        else:
            self.version = _digest(self.facts.version)
            self.fills = getattr(self.facts, "fills", {})
            self.headers = getattr(self.facts, "headers", {})
        if settings.MICROCACHE_SECONDS:
            caches[PAGES].set(
                f"facts:{self.key}",
                (writes, self.version, self.fills, self.headers),
                settings.MICROCACHE_SECONDS,
            )
        self.etag = self._etag()

    def _etag(self) -> str | None:
        if self.version is None:
            return None
        return _digest(
            (site_version(), get_language(), self.key, self.version, sorted(self.shown.fills.items()))
        )

    def _body_key(self) -> str:
        return f"body:{site_version()}:{get_language()}:{self.key}:{self.version}"

    def response(self, request, view, args, kwargs):
        kept = None if self.version is None else caches[PAGES].get(self._body_key())
        if kept is None and self.version is not None and self.facts is None:
            # Known facts, but no body drawn from them here yet: read them
            # again, so that the body is drawn from the facts its key names.
            self._read()
        if self.version is None:
            return view(request, *args, facts=None, **kwargs)
        values = {**self.fills, **self.shown.fills}
        if kept is None:
            response = view(request, *args, facts=self.facts, **kwargs)
            if response.status_code != 200:
                return response
            parts = response.content.split(_SLOT.encode())
            reason = _per_visitor(request, response)
            if reason:
                logger.warning("%s is not cached publicly: %s", request.get_full_path(), reason)
                add_never_cache_headers(response)
                response.content = _filled(parts, values)
                return response
            kept = (response["Content-Type"], parts)
            # Kept until other facts replace it (past its MAX_ENTRIES the
            # cache drops the least recently used).
            caches[PAGES].set(self._body_key(), kept, None)
        content_type, parts = kept
        response = HttpResponse(_filled(parts, values), content_type=content_type)
        response["ETag"] = f'"{self.etag}"'
        self.public = True
        return response


def forget_facts(sender, environ, **kwargs):
    """A request that may write (a signature, a confirmation, an organizer's change) starts:
    this process reads the facts again before it next shows a page, so whoever made
    the change sees it at once when this process serves them (other processes within
    MICROCACHE_SECONDS). Connected to request_started (petition/apps.py).

    Bumped when the request starts: gunicorn's sync workers (config/gunicorn.py)
    run nothing else until it ends. The kept bodies stay: they belong to their facts.
    """
    global _writes
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        _writes += 1


def _digest(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def _filled(parts: list[bytes], values: dict[str, str]) -> bytes:
    """The body with each slot (every other part) replaced by its value, escaped for HTML."""
    parts = parts.copy()
    for n in range(1, len(parts), 2):
        parts[n] = escape(values[parts[n].decode()]).encode()
    return b"".join(parts)


@functools.cache
def site_version() -> str:
    """A digest of the files the pages are drawn from, and of SITE_URL.

    The site's own apps, templates, translations, static files and URLconf,
    and the lock of its dependencies. Part of every ETag and copy, so that
    after a deploy that changes how a page looks nobody is told "not modified"
    about the old one. The same in every process and on every host that runs
    the same files. Read once per process, on its first public page (a few
    milliseconds).
    """
    base = settings.BASE_DIR
    roots = {
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(base) and "site-packages" not in Path(app.path).parts
    }
    roots |= {Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]}
    roots |= {Path(folder) for folder in [*settings.LOCALE_PATHS, *settings.STATICFILES_DIRS]}
    roots.add(Path(import_module(settings.ROOT_URLCONF).__file__).parent)
    files = {path for root in roots for path in root.rglob("*") if "__pycache__" not in path.parts}
    files.add(base / "requirements" / "main.txt")
    digest = hashlib.blake2b(settings.SITE_URL.encode(), digest_size=16)
    for path in sorted(path for path in files if path.is_file()):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _per_visitor(request, response) -> str:
    """Why this response is one visitor's own, or "" when it can be the same for everyone.

    The session and messages middleware add their cookie or Vary: Cookie only
    after the view returns, so what they will add is read from the request (the
    CSRF cookie is on the response already: see cached_publicly).
    """
    if response.cookies:
        return "it sets a cookie"
    if "cookie" in (header.strip().lower() for header in response.get("Vary", "").split(",")):
        return "it varies on Cookie"
    if getattr(get_messages(request), "used", False):
        return "it showed flash messages"
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return "it read the session"
    return ""
