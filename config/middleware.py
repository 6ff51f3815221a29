"""Every middleware class of the site, in the order settings.MIDDLEWARE runs them.

What they do lives beside what it concerns (ops/request_log.py, ops/health.py,
petition/language.py); here is only when it runs.
"""

import time

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

from ops import health, request_log
from petition.language import is_own_path


class RequestLogMiddleware:
    """One log line per request, and its id in the X-Request-ID header and on every line it logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_log.request_begins(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        request_log.log_request(request, response, duration_ms=duration_ms)
        return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation and redirects (ops/health.py says why)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = health.probe_response(request.path)
        return probe if probe is not None else self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RememberedLanguageMiddleware:
    """Send a reader to the pages in their language: the one they chose, else the one their browser asks for.

    English pages have no prefix, so LocaleMiddleware shows them in English
    whatever the visitor prefers; a Spanish reader who opens a shared English
    link would get English. An English URL is therefore redirected to the
    Spanish one when the cookie set by the language switch says Spanish or,
    without a choice, when the browser's Accept-Language prefers Spanish.
    Spanish URLs are never redirected, so a page's language still follows its
    URL and each URL is the same page for everyone.

    Caching: English pages vary on Accept-Language (LocaleMiddleware says so)
    but not on Cookie, which would make them uncacheable in most CDNs. So an
    English page served to a reader who chose English (whose browser may well
    ask for Spanish) is private: a cache keyed on Accept-Language never gives
    it to the Spanish browsers that should be redirected. The redirect itself
    is private too. What a CDN cannot do is redirect a reader who chose Spanish
    from its English copy; the switch on every page is one tap away.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in dict(settings.LANGUAGES) and request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            # Admin has no language prefix, so LocaleMiddleware shows it in
            # English; an organizer who chose Spanish on the site gets it in Spanish.
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or get_language_from_path(request.path_info) is not None:
            return self.get_response(request)
        # The cookie if it names one of our languages, else Accept-Language, else English.
        preferred = get_language_from_request(request)
        if preferred != settings.LANGUAGE_CODE:
            url = translate_url(request.get_full_path(), preferred)
            if url != request.get_full_path() and is_own_path(url, request):
                response = HttpResponseRedirect(url)
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                patch_cache_control(response, private=True, max_age=0)
                return response
        response = self.get_response(request)
        if chosen == settings.LANGUAGE_CODE and "public" in response.get("Cache-Control", ""):
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_cache=True)
        return response
