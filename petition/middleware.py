from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language_from_path

from petition.http import is_own_path


class RememberedLanguageMiddleware:
    """Send a visitor who chose a language with the switch to that language's pages.

    English pages have no prefix, so LocaleMiddleware shows them in English
    whatever the cookie says; a Spanish reader who opens a shared English link
    would lose their choice. Only the cookie set by the switch counts (not the
    browser's Accept-Language), so a page's language still follows its URL.
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
        if (
            request.method in ("GET", "HEAD")
            and chosen != settings.LANGUAGE_CODE
            and chosen in dict(settings.LANGUAGES)
            and get_language_from_path(request.path_info) is None
        ):
            url = translate_url(request.get_full_path(), chosen)
            if url != request.get_full_path() and is_own_path(url, request):
                return HttpResponseRedirect(url)
        return self.get_response(request)
