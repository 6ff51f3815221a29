"""Which sites may show a page in a frame: the petition's embedding partners, for its embed pages only.

Every other page refuses to be framed (settings.SECURE_CSP's frame-ancestors
'none' and X-Frame-Options: DENY). The embed pages send a policy of their own,
the site's with frame-ancestors naming exactly the partners' origins ('none'
when there are none); browsers that know frame-ancestors ignore
X-Frame-Options, which cannot name several sites, so those pages do without it.
"""

from functools import wraps

from django.conf import settings
from django.utils.csp import CSP, build_policy
from django.views.decorators.clickjacking import xframe_options_exempt

from petition.models import EmbedPartner


def framing_headers(origins) -> dict[str, str]:
    """The Content-Security-Policy of a page these origins (and no other) may frame."""
    config = {**settings.SECURE_CSP, "frame-ancestors": list(origins) or [CSP.NONE]}
    return {CSP.HEADER_ENFORCE: build_policy(config)}


def framed_by_partners(view):
    """A per-visitor embed page (view(request, slug, ...)): framed by the slug's petition's partners only."""

    @xframe_options_exempt
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        response = view(request, slug, *args, **kwargs)
        origins = EmbedPartner.objects.filter(petition__slug=slug).origins()
        for header, value in framing_headers(origins).items():
            response[header] = value
        return response

    return wrapped
