from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

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


class SignatureForm(forms.Form):
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
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    postal_code = forms.CharField(
        label=_("ZIP/postal code"),
        max_length=12,
        validators=[validate_no_control_characters],
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
