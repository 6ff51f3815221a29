"""Two traps for automated signing that cost a person nothing.

A honeypot field that people never see (hidden visually and from assistive
technology, labelled "leave this field empty" for anyone who meets it), and a
signed timestamp of when the form was shown, so the server can tell a form
sent back faster than a person can type without keeping any state. A request
that trips either is stored as flagged and shown the normal next page, so a
bot learns nothing. The timestamp is signed for one petition and serves for
SIGN_FORM_MAX_SECONDS; a form sent back later is shown again with a fresh
one, since a person who left it open is no bot.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

FORM_STARTED_SALT = "signatures.form-started"


class FormExpired(Exception):
    """The sign form was shown longer ago than SIGN_FORM_MAX_SECONDS."""


def _form_started_salt(petition) -> str:
    return f"{FORM_STARTED_SALT}:{petition.pk}"


def form_started_token(petition, now: float | None = None) -> str:
    """A signed timestamp for one petition's sign form: the server keeps nothing, the form carries it.

    Signed for that petition only, so that a token serves one petition. It
    cannot be bound to a visitor: the campaign page is cached for everyone.
    """
    return signing.dumps(int(now if now is not None else time.time()), salt=_form_started_salt(petition))


def seconds_since_started(token: str, petition) -> int | None:
    """Seconds since the form was shown, or None when the token is missing, forged or another petition's.

    Raises FormExpired past SIGN_FORM_MAX_SECONDS, so that one token cannot
    sign for days.
    """
    try:
        started = signing.loads(token, salt=_form_started_salt(petition))
    except signing.BadSignature:
        return None
    if not isinstance(started, int):
        return None
    seconds = max(0, int(time.time()) - started)
    if seconds > settings.SIGN_FORM_MAX_SECONDS:
        raise FormExpired
    return seconds


class HoneypotInput(forms.TextInput):
    template_name = "signatures/widgets/honeypot.html"
    # Rendered with the form's hidden fields, not as a visible field.
    is_hidden = True

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class BotTrapForm(forms.Form):
    website = forms.CharField(label=_("Leave this field empty"), required=False, widget=HoneypotInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        if not self.is_bound:
            self.initial = {"started": form_started_token(petition), **self.initial}

    def clean(self):
        """Turn the two trap fields into the flagged and fill_seconds arguments of signature_create."""
        cleaned = super().clean()
        honey = cleaned.pop("website", "")
        try:
            fill_seconds = seconds_since_started(cleaned.pop("started", ""), self.petition)
        except FormExpired:
            # Shown again with what was typed and a token that starts now.
            self.data = self.data.copy()
            self.data[self.add_prefix("started")] = form_started_token(self.petition)
            raise forms.ValidationError(
                _("This form was open a long time. Please check your details and sign again."), code="expired"
            ) from None
        cleaned["fill_seconds"] = fill_seconds
        cleaned["flagged"] = bool(honey) or fill_seconds is None or (fill_seconds < settings.SIGN_MIN_SECONDS)
        return cleaned
