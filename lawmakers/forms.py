from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from lawmakers.services import ACTIONS

# The pages a report's button returns to (names in urls: signatures:thanks, petition:call).
BACK_TO = {"thanks": "signatures:thanks", "call": "petition:call"}


class ZipForm(forms.Form):
    zip = forms.CharField(
        label=_("Your ZIP code"),
        max_length=10,
        validators=[
            RegexValidator(r"^\d{5}(-\d{4})?$", _("Enter a 5-digit US ZIP code, like 78201.")),
        ],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    def clean_zip(self):
        return self.cleaned_data["zip"][:5]


class ReportForm(forms.Form):
    """An "I called" or "I wrote" button: which member, which action, and the page to go back to."""

    bioguide = forms.RegexField(regex=r"^[A-Z]\d{6}$", max_length=10)
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    back = forms.ChoiceField(choices=[(page, page) for page in BACK_TO])
