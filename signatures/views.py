"""The signer's pages after the form: check your email, thanks, confirm, withdraw, report a comment.

The form itself is on the campaign page, whose view (petition.views.sign)
also handles its POST.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from petition.models import Petition
from places.links import state_for_postal_code, state_links
from places.zips import zip5
from signatures import services, tokens
from signatures.abuse.ratelimits import HOUR, address_form_limits, over_limit
from signatures.abuse.same_origin import same_origin_post
from signatures.abuse.signals import client_ip, ip_hash
from signatures.forms import EmailForm, SignerChoicesForm
from signatures.models import Signature
from signatures.signer_cookie import remember_signer, remembered_signer


@never_cache  # shows the signer's address
@require_safe
def check_email(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    email = remembered_signer(request).get("email", "")
    context = {
        "petition": petition,
        "email": email,
        "form": EmailForm(initial={"email": email}),
        "link_days": settings.CONFIRM_LINK_DAYS,
        "sent_again": request.GET.get("sent") == "1",
    }
    return render(request, "signatures/check_email.html", context)


@require_POST
@address_form_limits
def send_again(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    form = EmailForm(request.POST)
    if not form.is_valid():
        context = {"petition": petition, "email": "", "form": form, "link_days": settings.CONFIRM_LINK_DAYS}
        return render(request, "signatures/check_email.html", context, status=400)
    services.signature_send_again(petition=petition, email=form.cleaned_data["email"])
    # The page says it from a fixed flag, not a flash message: the site's
    # pages never read messages, so none can be kept in a shared copy.
    url = reverse("signatures:check_email", kwargs={"slug": petition.slug}) + "?sent=1"
    return remember_signer(HttpResponseRedirect(url), email=form.cleaned_data["email"])


# Links to the signer's own members of Congress, from their cookie.
@never_cache
@vary_on_cookie
@require_safe
def thanks(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    context = {
        "petition": petition,
        "state": state_links(remembered_signer(request).get("state", "")),
        "share_links": petition.share_links(),
        "copy_url": petition.share_url("link"),
    }
    return render(request, "signatures/thanks.html", context)


def _bad_link(request, petition):
    # One answer for a changed link and for an id with no signature, so that
    # links cannot be used to learn which signature ids exist.
    return render(request, "signatures/bad_link.html", {"petition": petition}, status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, slug, token):
    """GET shows what will be confirmed and changes nothing (mail scanners open links); POST confirms.

    The form shows the stored choices, which whoever signed first with the
    address made: the owner confirms what they see, corrected or not.
    """
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    context = {"petition": petition, "token": token}
    try:
        signature = tokens.read(token, purpose=tokens.CONFIRM, petition=petition)
    except tokens.ExpiredLink as expired:
        if expired.signature.status == Signature.Status.CONFIRMED:
            return render(request, "signatures/already_confirmed.html", context)
        if request.method == "POST":
            # The old link proves the address received our mail: send a new one.
            services.signature_send_again(petition=petition, email=expired.signature.email)
            return remember_signer(
                redirect("signatures:check_email", slug=petition.slug), email=expired.signature.email
            )
        context["link_days"] = settings.CONFIRM_LINK_DAYS
        return render(request, "signatures/link_expired.html", context)
    except (tokens.InvalidLink, tokens.UnknownLink):
        return _bad_link(request, petition)
    if signature.status == Signature.Status.CONFIRMED:
        return render(request, "signatures/already_confirmed.html", context)
    form = SignerChoicesForm(
        request.POST if request.method == "POST" else None,
        initial={field: getattr(signature, field) for field in services.CHOICES},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if services.signature_confirm(signature=signature, choices=form.cleaned_data):
                    # The thank-you page names the signer's members of Congress, also
                    # when the link is opened in another browser than the one that signed.
                    return remember_signer(
                        redirect("signatures:thanks", slug=petition.slug),
                        email=signature.email,
                        state=state_for_postal_code(signature.postal_code, signature.country),
                        zip=zip5(signature.postal_code, signature.country),
                    )
                return render(request, "signatures/already_confirmed.html", context)
            except ValidationError:  # struck or flagged meanwhile
                signature.refresh_from_db()
        else:
            status = 400
    if signature.status != Signature.Status.PENDING:
        return render(request, "signatures/cannot_confirm.html", context, status=409)
    return render(request, "signatures/confirm.html", {**context, "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, slug, token):
    """GET asks; POST deletes the signature and its personal data."""
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    try:
        signature = tokens.read(token, purpose=tokens.WITHDRAW, petition=petition)
    except (tokens.InvalidLink, tokens.UnknownLink):
        return _bad_link(request, petition)
    if request.method == "POST":
        services.signature_withdraw(signature=signature)
        return redirect("signatures:withdrawn", slug=petition.slug)
    return render(request, "signatures/withdraw.html", {"petition": petition, "token": token})


@never_cache  # one signer's own outcome
@require_safe
def withdrawn(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    return render(request, "signatures/withdrawn.html", {"petition": petition})


@never_cache  # its form carries the visitor's CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
@address_form_limits
def withdraw_request(request, slug):
    """Ask for a withdrawal link by email. The answer never says whether the address signed."""
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    form = EmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            services.signature_request_withdrawal(petition=petition, email=form.cleaned_data["email"])
            return redirect("signatures:withdraw_requested", slug=petition.slug)
        context = {"petition": petition, "form": form}
        return render(request, "signatures/withdraw_request.html", context, status=400)
    return render(request, "signatures/withdraw_request.html", {"petition": petition, "form": form})


@never_cache  # one signer's own outcome
@require_safe
def withdraw_requested(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    return render(request, "signatures/withdraw_requested.html", {"petition": petition})


# What the page after a report says, chosen by the ?result= it is sent to:
# the text is always ours, and nothing about the visitor is kept to show it.
REPORT_OUTCOMES = {
    "thanks": gettext_lazy("Thank you. An organizer will review this comment."),
    "limit": gettext_lazy("You have sent many reports. Please try again later."),
    "invalid": gettext_lazy("Only a public comment can be flagged."),
}


# No CSRF token: the wall is on the campaign page, which is cached publicly.
@same_origin_post
@require_POST
def flag_comment(request, slug, pk):
    """Anyone may report a public comment; an organizer decides whether to hide it."""
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    signature = get_object_or_404(Signature.objects.public(), petition=petition, pk=pk)
    # One report per visitor (the keyed hash of their address, never the address).
    visitor = ip_hash(client_ip(request))
    if over_limit(request, group="flag-comment", value=visitor, limit=30, seconds=HOUR):
        result = "limit"
    else:
        try:
            services.comment_flag(signature=signature, visitor_hash=visitor)
        except ValidationError:
            result = "invalid"
        else:
            result = "thanks"
    url = reverse("signatures:comment_reported", kwargs={"slug": petition.slug})
    return HttpResponseRedirect(f"{url}?result={result}")


@never_cache
@require_safe
def comment_reported(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    outcome = REPORT_OUTCOMES.get(request.GET.get("result", ""))
    if outcome is None:
        raise Http404
    return render(request, "signatures/comment_reported.html", {"petition": petition, "outcome": outcome})
