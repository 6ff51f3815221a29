"""Form posts without CSRF tokens, refused when a browser sends them from another site.

The campaign page carries no CSRF token so that it is the same for everyone
and can be cached publicly (petition/caching.py); its forms (signing, flagging
a comment) are protected by this instead.
"""

from functools import wraps

from django.conf import settings
from django.urls import get_callable


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
