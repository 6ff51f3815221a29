from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from lawmakers.forms import ZipForm
from lawmakers.panel import title as member_title
from petition import pages, share_image
from petition.caching import cached_publicly, slot
from petition.maps import state_map
from petition.models import Petition
from petition.pages import Campaign, signers_page
from places.links import state_for_postal_code
from places.zips import zip5
from signatures import services
from signatures.abuse.ratelimits import sign_limits_refusal
from signatures.abuse.same_origin import same_origin_post
from signatures.abuse.signals import request_signals
from signatures.counting import count_for
from signatures.forms import SignatureForm
from signatures.place_figures import public_value
from signatures.signer_cookie import remember_signer, remembered_signer

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
    context = {
        **progress(petition, campaign.count),
        "form": form,
        "signers": campaign.signers,
        "signers_page": campaign.signers_page,
        "signers_has_older": campaign.signers_has_older,
        "updates": campaign.updates,
        "updates_total": campaign.updates_total,
        "share_url": settings.SITE_URL + petition.get_absolute_url(),
        "site_url": settings.SITE_URL,
        "map": state_map(campaign.states, min_shown=petition.min_shown),
    }
    return render(request, "petition/detail.html", context, status=status)


def render_embed(request, embed, *, form=None, status=200):
    """The embed page: title, count and the signing form, for a partner's iframe."""
    petition = embed.petition
    if form is None:
        form = SignatureForm(
            initial={"source": slot("source"), "started": slot("started")}, petition=petition
        )
    return render(
        request, "petition/embed.html", {**progress(petition, embed.count), "form": form}, status=status
    )


def progress(petition, count: int) -> dict:
    """What petition/_progress.html shows."""
    return {
        "petition": petition,
        "count": count,
        "target": petition.target_for(count),
        "goal_reached": count >= petition.goal,
    }


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
@cached_publicly(settings.COUNT_MAX_AGE, shown_by=pages.open_data_page)
def data_json(request, slug, *, facts):
    """The open data: the count and the counted signatures per state and district (docs/open-data.md)."""
    if facts is None:
        raise Http404
    return JsonResponse(
        {
            "count": facts.count,
            "goal": facts.goal,
            "updated": datetime.fromtimestamp(facts.updated, tz=UTC).isoformat(timespec="seconds"),
            "min_shown": facts.min_shown,
            "states": {place: public_value(n) for place, n in facts.states.items()},
            "districts": {place: public_value(n) for place, n in facts.districts.items()},
        }
    )


@require_safe
@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.index_page)
def index(request, *, facts, closed=False):
    return render(request, "petition/index.html", {"petitions": facts.petitions, "closed": facts.closed})


# Kept off what only one signer should reach (their links) or that is not a
# page (admin, the language switch). Paths for both languages: Spanish ones
# start with /es/.
ROBOTS_DISALLOWED = [
    "/*/confirm/",
    "/*/withdraw/",
    "/*/unsubscribe/",
    "/*/check-email/",
    "/*/thanks/",
    "/*/send-again/",
    "/language/",
]


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED)]
    # Anyone can read this file: an ADMIN_URL chosen to be hard to guess is
    # not written here. Admin's own pages tell crawlers to keep out of them
    # (its template's robots meta tag), and nothing public links to them.
    if settings.ADMIN_URL == "admin/":
        lines.append("Disallow: /admin/")
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


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


@require_safe
def call(request, slug):
    """The call page: the visitor's own members when their cookie has a ZIP, else the same page for everyone.

    The page for everyone (a ZIP form and the most-called members) is cached
    publicly like the campaign page; the proxy sends a visitor with the signer
    cookie past its copy (ops/nginx). The page for one visitor is theirs alone.
    """
    if "zip" in remembered_signer(request):
        return _call_for_visitor(request, slug)
    return _call_for_everyone(request, slug)


@never_cache
@vary_on_cookie
def _call_for_visitor(request, slug):
    petition = get_object_or_404(
        Petition.objects.visible().exclude(call_chambers=Petition.CallChambers.NONE), slug=slug
    )
    return render(
        request, "petition/call.html", {"petition": petition, "for_visitor": True, "zip_form": ZipForm()}
    )


@cached_publicly(settings.CAMPAIGN_PAGE_MAX_AGE, shown_by=pages.call_page)
def _call_for_everyone(request, slug, *, facts):
    if facts is None:
        raise Http404
    top = [(member_title(m) if m else "", called, wrote) for m, called, wrote in facts.top if m]
    context = {"petition": facts.petition, "for_visitor": False, "zip_form": ZipForm(), "top": top}
    return render(request, "petition/call.html", context)


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
    return signing(request, slug, embedded=False)


def signing(request, slug, *, embedded: bool):
    """Store a signature from the campaign page's form or, embedded, from the embed page's.

    Embedded, the errors and the next page stay in the partner's frame, and
    the signer cookie is sent cross-site so that the next page can read it there.
    """
    petition = signing_petition(slug)
    if petition is None:
        raise Http404
    if refusal := sign_limits_refusal(request, petition):
        return refusal
    if not petition.is_open:
        return _closed(request, petition)
    form = SignatureForm(request.POST, petition=petition)
    if not form.is_valid():
        if embedded:
            return render_embed(
                request, pages.Embed(petition, count_for(petition), ()), form=form, status=400
            )
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
    next_page = "check_email" if petition.requires_confirmation else "thanks"
    next_page = f"petition:embed_{next_page}" if embedded else f"signatures:{next_page}"
    return remember_signer(
        redirect(next_page, slug=petition.slug),
        email=form.cleaned_data["email"],
        state=state_for_postal_code(form.cleaned_data["postal_code"], form.cleaned_data["country"]),
        zip=zip5(form.cleaned_data["postal_code"], form.cleaned_data["country"]),
        cross_site=embedded,
    )


def _closed(request, petition):
    return render(request, "petition/closed.html", {"petition": petition}, status=403)
