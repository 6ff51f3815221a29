"""HTTP helpers of the public pages: form posts without CSRF tokens, safe redirects, signing's petition."""

import time
from functools import lru_cache, wraps
from urllib.parse import unquote

from django.conf import settings
from django.urls import get_callable, get_script_prefix, get_urlconf, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from petition.models import Petition

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
