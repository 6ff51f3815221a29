"""Two traps for automated signing that cost a person nothing.

A honeypot field that people never see (hidden visually and from assistive
technology, labelled "leave this field empty" for anyone who meets it), and a
signed timestamp of when the form was shown, so the server can tell a form
sent back faster than a person can type without keeping any state. A request
that trips either is stored as flagged and shown the normal next page, so a
bot learns nothing.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from signatures.abuse import form_started_token, seconds_since_started


class HoneypotInput(forms.TextInput):
    template_name = "signatures/widgets/honeypot.html"
    # Rendered with the form's hidden fields, not as a visible field.
    is_hidden = True

    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class BotTrapForm(forms.Form):
    website = forms.CharField(label=_("Leave this field empty"), required=False, widget=HoneypotInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput, initial=form_started_token)

    def clean(self):
        """Turn the two trap fields into the flagged and fill_seconds arguments of signature_create."""
        cleaned = super().clean()
        honey = cleaned.pop("website", "")
        fill_seconds = seconds_since_started(cleaned.pop("started", ""))
        cleaned["fill_seconds"] = fill_seconds
        cleaned["flagged"] = bool(honey) or fill_seconds is None or (
            fill_seconds < settings.SIGN_MIN_SECONDS
        )
        return cleaned
