"""The call step's two forms: a ZIP typed on the call page, and the "I called" / "I wrote" buttons.

Both are POSTs without a CSRF token, protected like the campaign page's
forms (same_origin_post): the call page they sit on is cached publicly for
visitors without a ZIP. Each answers with a redirect, so that no ZIP and no
report ever appears in a URL.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lawmakers import lookup, reported, services
from lawmakers.forms import BACK_TO, ReportForm, ZipForm
from petition.models import Petition
from places.links import state_for_postal_code
from signatures.abuse.ratelimits import HOUR, over_limit, too_many
from signatures.abuse.same_origin import same_origin_post
from signatures.abuse.signals import client_ip, ip_key
from signatures.signer_cookie import remember_signer, remembered_signer


def _calling_petition(slug):
    return get_object_or_404(
        Petition.objects.visible().exclude(call_chambers=Petition.CallChambers.NONE), slug=slug
    )


@never_cache
@same_origin_post
@require_POST
def find(request, slug):
    """Keep the typed ZIP in the visitor's signer cookie and show the call page again with their members."""
    petition = _calling_petition(slug)
    form = ZipForm(request.POST)
    if not form.is_valid():
        context = {"petition": petition, "for_visitor": False, "zip_form": form}
        return render(request, "petition/call.html", context, status=400)
    zip5 = form.cleaned_data["zip"]
    remembered = remembered_signer(request)
    return remember_signer(
        HttpResponseRedirect(reverse("petition:call", args=[petition.slug])),
        email=remembered.get("email", ""),
        state=state_for_postal_code(zip5, "US"),
        zip=zip5,
    )


@never_cache
@same_origin_post
@require_POST
def report(request, slug):
    """Count one call or message to one of the visitor's members, once per browser, within the rate limit."""
    petition = _calling_petition(slug)
    form = ReportForm(request.POST)
    members = {
        m.bioguide for m in lookup.for_petition(petition, remembered_signer(request).get("zip", "")).members
    }
    if not form.is_valid() or form.cleaned_data["bioguide"] not in members:
        # A forged post, or a ZIP changed in another tab: nothing is counted.
        return render(request, "lawmakers/not_counted.html", {"petition": petition}, status=400)
    bioguide, action = form.cleaned_data["bioguide"], form.cleaned_data["action"]
    response = HttpResponseRedirect(
        reverse(BACK_TO[form.cleaned_data["back"]], args=[petition.slug]) + f"#member-{bioguide}"
    )
    done = reported.entry(petition, bioguide, action)
    if done in reported.reported(request):
        return response
    if settings.RATELIMIT_ENABLE and over_limit(
        request,
        group=f"report-call:{petition.pk}",
        value=ip_key(client_ip(request)),
        limit=settings.CALL_REPORTS_HOURLY_LIMIT,
        seconds=HOUR,
    ):
        return too_many(request, retry_after=HOUR, petition=petition)
    services.tally_record(petition=petition, bioguide=bioguide, action=action)
    return reported.remember_reported(request, response, done)
