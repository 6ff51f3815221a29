from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe, require_POST

from petition.http import same_origin_post
from petition.models import Petition
from petition.views import render_petition
from signatures import services
from signatures.forms import SignatureForm

SIGNED_EMAIL_SESSION_KEY = "signed_email"


# No CSRF token: the campaign page carries none so that it is the same for
# everyone and can be cached publicly (petition/http.py, README "Performance").
@same_origin_post
@require_POST
def sign(request, slug):
    # The campaign text is only needed to show the form again with errors.
    petition = get_object_or_404(Petition.objects.visible().defer("body", "body_es"), slug=slug)
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
    if petition.requires_confirmation:
        return redirect("petition:check_email", slug=petition.slug)
    return redirect("petition:thanks", slug=petition.slug)


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
    return render(request, "signatures/thanks.html", {"petition": petition})
