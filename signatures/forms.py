import copy
import re

from django import forms
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from signatures.bot_trap import BotTrapForm
from signatures.validators import (
    normalize_postal_code,
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
SOURCE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def clean_source(value: str | None) -> str:
    """The share code if it looks like one, else the empty string (never an error)."""
    value = (value or "").strip().lower()
    return value if SOURCE_RE.match(value) else ""


class SignatureForm(BotTrapForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        help_text=_("Never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
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
        # A callable, so that each form shares the list instead of deep-copying
        # its ~250 countries: that copy was a good part of what signing cost.
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
    public = forms.BooleanField(
        label=_("Show my name and comment publicly"), required=False
    )
    opt_in = forms.BooleanField(
        label=_("Keep me updated about this campaign"), required=False
    )
    # Never an error: a mangled share code is dropped, the signature is not.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_source(self):
        return clean_source(self.cleaned_data.get("source"))

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


def _shallow_copy(obj):
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


def _copy_field(field: forms.Field) -> forms.Field:
    """What Field.__deepcopy__ and Widget.__deepcopy__ make, by copying __dict__."""
    copied = _shallow_copy(field)
    copied.widget = _shallow_copy(field.widget)
    copied.widget.attrs = field.widget.attrs.copy()
    # Choices from a callable are made afresh each time they are read, so the
    # iterator holding the callable is shared: copying it was half of the cost.
    if isinstance(field, forms.ChoiceField) and not isinstance(field._choices, CallableChoiceIterator):
        copied._choices = copy.deepcopy(field._choices)
        copied.widget.choices = copy.copy(field.widget.choices)
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    return copied


class CheaplyCopiedFields(dict):
    """A form's base_fields, copied for each form without copy.copy's generic protocol.

    Every Django form starts with its own deep copy of its fields, so that one
    form can change its fields without touching the next. For the signing
    form that copy was a third of validating a signature; this makes the same
    copies (each field and widget its own object, with its own attrs,
    choices, validators and error messages), several times faster.
    """

    def __deepcopy__(self, memo):
        return {name: _copy_field(field) for name, field in self.items()}


SignatureForm.base_fields = CheaplyCopiedFields(SignatureForm.base_fields)


class EmailForm(forms.Form):
    """One address: to have a confirmation sent again, or a withdrawal link."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
