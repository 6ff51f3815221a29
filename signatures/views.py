import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe, require_POST
from django_ratelimit.decorators import ratelimit

from petition import sharing
from petition.models import Petition
from petition.representatives import state_for_postal_code, state_links
from petition.views import render_petition
from signatures import services
from signatures.forms import SignatureForm
from signatures.models import Signature

SIGNED_EMAIL_SESSION_KEY = "signed_email"
# The state of the ZIP the signer typed, for the thank-you page's links to
# their members of Congress: kept in the session, never put in a URL.
SIGNED_STATE_SESSION_KEY = "signed_state"


@require_POST
def sign(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    if not petition.is_open:
        return _closed(request, petition)
    form = SignatureForm(request.POST)
    if not form.is_valid():
        return render_petition(request, petition, form=form, status=400)
    try:
        services.signature_create(
            petition=petition, **form.cleaned_data, language=get_language() or "en"
        )
    except services.PetitionClosed:  # it closed while this request ran
        return _closed(request, petition)
    # The same next page whether or not the address had signed before: the
    # site never tells a stranger who has signed.
    request.session[SIGNED_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
    request.session[SIGNED_STATE_SESSION_KEY] = state_for_postal_code(
        form.cleaned_data["postal_code"], form.cleaned_data["country"]
    )
    if petition.requires_confirmation:
        return redirect("petition:check_email", slug=petition.slug)
    return redirect("petition:thanks", slug=petition.slug)


def visitor_hash(request) -> str:
    """Who a visitor is, for one-flag-per-person, without storing their IP."""
    ip = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.IP_HASH_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _closed(request, petition):
    return render(request, "petition/closed.html", {"petition": petition}, status=403)


@require_safe
def check_email(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    email = request.session.get(SIGNED_EMAIL_SESSION_KEY, "")
    return render(request, "signatures/check_email.html", {"petition": petition, "email": email})


@require_safe
def thanks(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    context = {
        "petition": petition,
        "state": state_links(request.session.get(SIGNED_STATE_SESSION_KEY, "")),
        "share_links": sharing.share_links(petition),
        "copy_url": sharing.share_url(petition, "link"),
    }
    return render(request, "signatures/thanks.html", context)


@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def flag_comment(request, slug, pk):
    """Anyone may report a public comment; an organizer decides whether to hide it."""
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    signature = get_object_or_404(Signature.objects.public(), petition=petition, pk=pk)
    if getattr(request, "limited", False):
        messages.warning(request, _("You have sent many reports. Please try again later."))
    else:
        try:
            services.comment_flag(signature=signature, visitor_hash=visitor_hash(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. An organizer will review this comment."))
    return redirect(f"{petition.get_absolute_url()}#signers")
