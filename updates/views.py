"""Unsubscribing from a campaign's updates, from the link in every update email.

The update pages themselves are public pages of the campaign and live with
it (petition/views.py), where the public pages' caching is.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from petition.models import Petition
from signatures import tokens
from signatures.abuse.same_origin import same_origin_post
from updates import services
from updates.sending import UNSUBSCRIBE


# csrf_exempt: a mail provider's one-click unsubscribe (RFC 8058) is a POST
# with no cookie, no Origin and no CSRF token; the signed token in the URL is
# what authorises it. A browser's cross-site post is still refused by
# same_origin_post (_unsubscribe_now).
@csrf_exempt
@never_cache  # one recipient's link; never a shared copy
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, slug, token):
    """GET shows a button and changes nothing (mail scanners open links); POST unsubscribes at once.

    The same page, with the same status, for a good link, a forged one and
    an address already unsubscribed: the page tells no one anything about an
    address.
    """
    if request.method == "POST":
        return _unsubscribe_now(request, slug, token)
    return _page(request, slug, token, done=False)


@same_origin_post
def _unsubscribe_now(request, slug, token):
    petition = Petition.objects.filter(slug=slug).first()
    if petition is not None:
        try:
            signature = tokens.read(token, purpose=UNSUBSCRIBE, petition=petition)
        except (tokens.InvalidLink, tokens.UnknownLink):
            signature = None
        if signature is not None:
            services.unsubscribe(signature=signature)
    return _page(request, slug, token, done=True)


def _page(request, slug, token, *, done: bool):
    petition = Petition.objects.filter(slug=slug).first()
    context = {"petition": petition, "slug": slug, "token": token, "done": done}
    return render(request, "updates/unsubscribe.html", context)
