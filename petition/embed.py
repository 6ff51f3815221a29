"""The embeddable signing form: a compact page partner sites show in an iframe, and the pages after it.

Only the petition's partner origins may frame these pages (petition/framing.py).
Signing inside a cross-site frame works because the form posts to this site
from this site's own page (Sec-Fetch-Site: same-origin, signatures/abuse/same_origin.py)
and the signer cookie the next page reads is sent SameSite=None; Secure.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from petition import pages
from petition.caching import cached_publicly
from petition.framing import framed_by_partners
from petition.models import Petition
from petition.views import progress, render_embed, signing
from signatures.abuse.same_origin import same_origin_post
from signatures.counting import count_for
from signatures.signer_cookie import remembered_signer


@xframe_options_exempt
@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.embed_page)
def embed(request, slug, *, facts):
    if facts is None:
        raise Http404
    return render_embed(request, facts)


@same_origin_post
@framed_by_partners
@require_POST
def embed_sign(request, slug):
    return signing(request, slug, embedded=True)


@never_cache  # shows the signer's address
@vary_on_cookie
@framed_by_partners
@require_safe
def embed_check_email(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    context = {
        "petition": petition,
        "email": remembered_signer(request).get("email", ""),
        "link_days": settings.CONFIRM_LINK_DAYS,
    }
    return render(request, "petition/embed_check_email.html", context)


@never_cache
@framed_by_partners
@require_safe
def embed_thanks(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    return render(request, "petition/embed_thanks.html", progress(petition, count_for(petition)))
