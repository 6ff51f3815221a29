from django.conf import settings
from django.core.cache import cache, caches
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from petition import pages, share_image
from petition.caching import cached_publicly, slot
from petition.models import Petition
from petition.pages import Campaign, signers_page
from places.links import state_for_postal_code
from signatures import services
from signatures.abuse.ratelimits import sign_limits_refusal
from signatures.abuse.same_origin import same_origin_post
from signatures.abuse.signals import request_signals
from signatures.counting import count_for
from signatures.forms import SignatureForm
from signatures.signer_cookie import remember_signer

SHARE_IMAGE_SECONDS = 600


def render_petition(request, petition, *, form, status=400):
    """The campaign page with a form that has errors (the signing view)."""
    return render_campaign(request, Campaign.read(petition, signers_page(request)), form=form, status=status)


def render_campaign(request, campaign, *, form=None, status=200):
    """The campaign page; without a form, the blank one with slots for its per-visit values (petition/caching.py)."""
    petition = campaign.petition
    if form is None:
        form = SignatureForm(
            initial={"source": slot("source"), "started": slot("started")}, petition=petition
        )
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
        "updates": campaign.updates,
        "updates_total": campaign.updates_total,
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
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.updates_page)
def updates(request, slug, *, facts):
    if facts is None:
        raise Http404
    return render(request, "updates/list.html", {"petition": facts.petition, "updates": facts.updates})


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.updates_page)
def update(request, slug, pk, *, facts):
    if facts is None:
        raise Http404
    (shown,) = facts.updates
    return render(request, "updates/detail.html", {"petition": facts.petition, "update": shown})


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


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.privacy_page)
def privacy(request, *, facts):
    return render(request, "privacy.html", {"retention_days": facts.retention_days})


def signing_petition(slug: str):
    """The petition signing reads, kept in this process's cache for MICROCACHE_SECONDS.

    During a surge every signature needs the same row (its limits, whether it
    is open, whether it needs confirmation); reading it once per window per
    process, as the campaign page reads its facts, saves signing a round trip
    of its own. Saving a petition in this process drops the copy at once
    (petition/apps.py); another process's change shows within the window, as
    it does on the page. Whether it is open is checked against the clock on
    every request (Petition.is_open), so it still closes to the second.
    """
    key = signing_petition_key(slug)
    petition = caches["pages"].get(key)
    if petition is None:
        petition = Petition.objects.for_signing(slug)
        if petition is not None and settings.MICROCACHE_SECONDS:
            caches["pages"].set(key, petition, settings.MICROCACHE_SECONDS)
    return petition


def signing_petition_key(slug: str) -> str:
    return f"signing-petition:{slug}"


# No CSRF token: the campaign page carries none so that it is the same for
# everyone and can be cached publicly (petition/caching.py, docs/performance.md).
@same_origin_post
@require_POST
def sign(request, slug):
    """The campaign page's form: store the signature, or show the page again with the errors."""
    petition = signing_petition(slug)
    if petition is None:
        raise Http404
    if refusal := sign_limits_refusal(request, petition):
        return refusal
    if not petition.is_open:
        return _closed(request, petition)
    form = SignatureForm(request.POST, petition=petition)
    if not form.is_valid():
        return render_petition(request, petition, form=form, status=400)
    try:
        services.signature_submit(
            petition=petition,
            **form.cleaned_data,
            **request_signals(request),
            language=get_language() or "en",
        )
    except services.PetitionClosed:  # it closed while this request ran
        return _closed(request, petition)
    # The same next page whether or not the address had signed before: the
    # site never tells a stranger who has signed.
    next_page = "signatures:check_email" if petition.requires_confirmation else "signatures:thanks"
    return remember_signer(
        redirect(next_page, slug=petition.slug),
        email=form.cleaned_data["email"],
        state=state_for_postal_code(form.cleaned_data["postal_code"], form.cleaned_data["country"]),
    )


def _closed(request, petition):
    return render(request, "petition/closed.html", {"petition": petition}, status=403)
