from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import translate_url
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from petition import pages, share_image
from petition.caching import cached_publicly, slot
from petition.http import is_own_path
from petition.models import Petition
from petition.pages import Campaign, signers_page
from signatures.counting import count_for
from signatures.forms import SignatureForm

SHARE_IMAGE_SECONDS = 600


def render_petition(request, petition, *, form, status=400):
    """The campaign page with a form that has errors (the signing view)."""
    return render_campaign(request, Campaign.read(petition, signers_page(request)), form=form, status=status)


def render_campaign(request, campaign, *, form=None, status=200):
    """The campaign page; without a form, the blank one with slots for its per-visit values (petition/caching.py)."""
    petition = campaign.petition
    if form is None:
        form = SignatureForm(initial={"source": slot("source"), "started": slot("started")}, petition=petition)
    count = campaign.count
    target = petition.target_for(count)
    context = {
        "petition": petition,
        "count": count,
        "target": target,
        "goal_reached": count >= petition.goal,
        "form": form,
        "signers": campaign.signers,
        "signers_page": campaign.signers_page,
        "signers_has_older": campaign.signers_has_older,
        "share_url": settings.SITE_URL + petition.get_absolute_url(),
        "site_url": settings.SITE_URL,
    }
    return render(request, "petition/detail.html", context, status=status)


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.campaign_page)
def home(request, *, facts):
    if facts is None:
        return render(request, "petition/none_open.html", status=404)
    return render_campaign(request, facts)


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.campaign_page)
def detail(request, slug, *, facts):
    if facts is None:
        raise Http404
    return render_campaign(request, facts)


@require_safe
@cached_publicly(settings.COUNT_MAX_AGE, shown_by=pages.count_page)
def count_json(request, slug, *, facts):
    if facts is None:
        raise Http404
    return JsonResponse({"count": facts.count, "goal": facts.goal})


@require_safe
def share_png(request, slug):
    """The link-preview image: title and progress, drawn here, kept a few minutes.

    Link previews are fetched by every platform a link is posted to; drawing
    once per petition, language and edit (and at most every few minutes for
    the count) keeps that off the database and the CPU.
    """
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    key = f"share-png:{petition.pk}:{get_language()}:{petition.updated_at.timestamp()}"
    png = cache.get(key)
    if png is None:
        count = count_for(petition)
        png = share_image.draw(petition, count=count, target=petition.target_for(count))
        cache.set(key, png, SHARE_IMAGE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=SHARE_IMAGE_SECONDS)
    return response


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
        settings.LANGUAGE_COOKIE_NAME, code,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response

@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.privacy_page)
def privacy(request, *, facts):
    return render(request, "privacy.html", {"retention_days": facts.retention_days})
