"""Choosing the language of the pages: the switch on every page, and where it may send the reader back to."""

from urllib.parse import unquote

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache  # sets this visitor's cookie
@require_safe
def switch_language(request, code):
    """Show the page in another language, and remember the choice in a cookie.

    A GET link rather than Django's set_language form: that form needs a CSRF
    token on every page, which would make every page per-visitor and
    uncacheable. A language preference is harmless to set from another site.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    url = translate_url(request.GET.get("next", "/"), code)
    if not is_own_path(url, request):
        url = translate_url("/", code)
    response = HttpResponseRedirect(url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def is_own_path(url: str, request) -> bool:
    """Whether a redirect to url stays on this site: a path, or an address on this host.

    A path that starts with two slashes or a backslash is another host to a
    browser; a request can carry one (//evil.example/, or /%2Fevil.example/,
    which the server decodes into one), and translate_url() keeps it as a host.
    Used by the switch and by the middleware that redirects to the reader's
    language (config/middleware.py).
    """
    return (
        url.startswith("/")
        and not unquote(url).startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    )
