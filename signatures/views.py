from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie

from petition import sharing
from petition.http import petition_url, same_origin_post, signing_petition
from petition.models import Petition
from petition.representatives import state_for_postal_code, state_links
from petition.views import render_petition
from signatures import services, tokens
from signatures.abuse import client_ip, ip_hash, request_signals
from signatures.forms import EmailForm, SignatureForm, SignerChoicesForm
from signatures.models import Signature
from signatures.ratelimits import HOUR, address_form_limits, over_limit, sign_limits

# What the signer typed that the next pages show back to them (the address
# the mail went to, the state for their members of Congress): a signed cookie
# on their own browser, never in a URL. Not the session, so that signing
# touches neither the session table nor Redis, and keeps working without Redis.
SIGNER_COOKIE = "signer"
SIGNER_COOKIE_SALT = "signatures.signer"
SIGNER_COOKIE_SECONDS = 24 * 3600


def remember_signer(response, *, email: str, state: str = ""):
    # signing.dumps gives URL-safe base64, which a cookie carries as it is;
    # set_signed_cookie's JSON would need quoting, at twice the cost per signature.
    value = signing.dumps({"email": email, "state": state}, salt=SIGNER_COOKIE_SALT)
    response.set_cookie(
        SIGNER_COOKIE, value, max_age=SIGNER_COOKIE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )
    return response


def signer(request) -> dict:
    try:
        data = signing.loads(
            request.COOKIES.get(SIGNER_COOKIE, ""), salt=SIGNER_COOKIE_SALT, max_age=SIGNER_COOKIE_SECONDS
        )
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


# No CSRF token: the campaign page carries none so that it is the same for
# everyone and can be cached publicly (petition/http.py, README "Performance").
@same_origin_post
@require_POST
@sign_limits
def sign(request, slug):
    petition = signing_petition(slug)
    if petition is None:
        raise Http404
    if not petition.is_open:
        return _closed(request, petition)
    form = SignatureForm(request.POST, petition=petition)
    if not form.is_valid():
        return render_petition(request, petition, form=form, status=400)
    try:
        services.signature_submit(
            petition=petition, **form.cleaned_data, **request_signals(request),
            language=get_language() or "en",
        )
    except services.PetitionClosed:  # it closed while this request ran
        return _closed(request, petition)
    # The same next page whether or not the address had signed before: the
    # site never tells a stranger who has signed.
    next_page = "petition:check_email" if petition.requires_confirmation else "petition:thanks"
    return remember_signer(
        HttpResponseRedirect(petition_url(next_page, petition)),
        email=form.cleaned_data["email"],
        state=state_for_postal_code(form.cleaned_data["postal_code"], form.cleaned_data["country"]),
    )


def _closed(request, petition):
    return render(request, "petition/closed.html", {"petition": petition}, status=403)


@never_cache  # shows the signer's address
@require_safe
def check_email(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    email = signer(request).get("email", "")
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
    url = reverse("petition:check_email", kwargs={"slug": petition.slug}) + "?sent=1"
    return remember_signer(HttpResponseRedirect(url), email=form.cleaned_data["email"])


# Links to the signer's own members of Congress, from their cookie.
@never_cache
@vary_on_cookie
@require_safe
def thanks(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    context = {
        "petition": petition,
        "state": state_links(signer(request).get("state", "")),
        "share_links": sharing.share_links(petition),
        "copy_url": sharing.share_url(petition, "link"),
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
                redirect("petition:check_email", slug=petition.slug), email=expired.signature.email
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
                    return redirect("petition:thanks", slug=petition.slug)
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
        return redirect("petition:withdrawn", slug=petition.slug)
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
            return redirect("petition:withdraw_requested", slug=petition.slug)
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
    return HttpResponseRedirect(f"{petition_url('petition:comment_reported', petition)}?result={result}")


@never_cache
@require_safe
def comment_reported(request, slug):
    petition = get_object_or_404(Petition.objects.visible(), slug=slug)
    outcome = REPORT_OUTCOMES.get(request.GET.get("result", ""))
    if outcome is None:
        raise Http404
    return render(request, "signatures/comment_reported.html", {"petition": petition, "outcome": outcome})
