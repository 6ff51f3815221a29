import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from petition.models import SOURCE_PATTERN
from signatures.abuse.bot_trap import BotTrapForm
from signatures.validators import (
    normalize_postal_code,
    validate_name,
    validate_no_control_characters,
    validate_no_control_characters_multiline,
    validate_postal_code,
)


class CountryChoiceField(forms.ChoiceField):
    def valid_value(self, value):
        # A dictionary lookup: the default walks all ~250 choices on every signature.
        return value in countries


# A share code from ?src= (wa, fb, x, em, link, or an organizer's own): short
# and slug-like, so that nothing else rides along into the signature row.
SOURCE_RE = re.compile(SOURCE_PATTERN)


def clean_source(value: str | None) -> str:
    """The share code if it looks like one, else the empty string (never an error)."""
    value = (value or "").strip().lower()
    return value if SOURCE_RE.match(value) else ""


class SignerChoicesForm(forms.Form):
    """What a signer chooses: the signing form's fields but the address and the traps.

    The signing form is this form plus those. On its own it is what the owner
    of an address confirms: the confirmation page shows it filled in with what
    is stored, so the owner sees what will be counted and shown, and can
    correct what someone else chose.
    """

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_no_control_characters, validate_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    postal_code = forms.CharField(
        label=_("ZIP/postal code"),
        max_length=12,
        validators=[validate_no_control_characters],
        help_text=_("To find your Representative and Senators. Never shown publicly."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": "10"}),
    )
    country = CountryChoiceField(
        label=_("Country"),
        # A callable, so that each form's copy of the field shares the list
        # instead of deep-copying its ~250 countries on every signature.
        choices=lambda: countries,
        initial="US",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    comment = forms.CharField(
        label=_("Why are you signing? (optional)"),
        max_length=1000,
        required=False,
        validators=[validate_no_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Says exactly what the recent signers list shows (petition/_signers.html):
    # city and state come from a US ZIP code, so other signers show neither.
    public = forms.BooleanField(
        label=_("Show my first name, last initial, comment and, in the US, city and state on this page"),
        required=False,
    )
    opt_in = forms.BooleanField(label=_("Keep me updated about this campaign"), required=False)

    def clean_postal_code(self):
        return normalize_postal_code(self.cleaned_data["postal_code"])

    def clean(self):
        cleaned = super().clean()
        postal_code, country = cleaned.get("postal_code"), cleaned.get("country")
        if postal_code and country:
            try:
                validate_postal_code(postal_code, country)
            except forms.ValidationError as error:
                self.add_error("postal_code", error)
        return cleaned


class SignatureForm(SignerChoicesForm, BotTrapForm):
    """The signing form: the signer's choices, their address, the share code and the bot traps.

    SignerChoicesForm.clean() runs the traps' clean (BotTrapForm) first, so a
    form that was open too long says only that.
    """

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        help_text=_("Never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    # Never an error: a mangled share code is dropped, the signature is not.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    # The traps first, then the address after the name, as the page asks for them.
    field_order = [
        "website",
        "started",
        "name",
        "email",
        "postal_code",
        "country",
        "comment",
        "public",
        "opt_in",
        "source",
    ]

    def clean_source(self):
        return clean_source(self.cleaned_data.get("source"))


class EmailForm(forms.Form):
    """One address: to have a confirmation sent again, or a withdrawal link."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
