from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

from petition.http import is_own_path


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
