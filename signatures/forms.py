import copy
import re
from collections.abc import MutableMapping

from django import forms
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

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
SOURCE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def clean_source(value: str | None) -> str:
    """The share code if it looks like one, else the empty string (never an error)."""
    value = (value or "").strip().lower()
    return value if SOURCE_RE.match(value) else ""


class SignatureForm(BotTrapForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_no_control_characters, validate_name],
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
    # Says exactly what the recent signers list shows (petition/_signers.html):
    # city and state come from a US ZIP code, so other signers show neither.
    public = forms.BooleanField(
        label=_("Show my first name, last initial, comment and, in the US, city and state on this page"),
        required=False,
    )
    opt_in = forms.BooleanField(
        label=_("Keep me updated about this campaign"), required=False
    )
    # Never an error: a mangled share code is dropped, the signature is not.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def _clean_fields(self):
        """Django's _clean_fields without a BoundField per field, cleaning with shared fields.

        A field's clean() reads the field and changes nothing, and this form
        has no disabled or file fields, so each value is cleaned by the
        class's field unless this form made its own copy (FieldCopies).
        """
        fields = self.fields
        shared = isinstance(fields, FieldCopies)
        for name in fields:
            field = fields.for_cleaning(name) if shared else fields[name]
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                self.cleaned_data[name] = field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except forms.ValidationError as error:
                self.add_error(name, error)

    def clean_source(self):
        return clean_source(self.cleaned_data.get("source"))

    def clean_postal_code(self):
        return normalize_postal_code(self.cleaned_data["postal_code"])

    def clean(self):
        cleaned = super().clean()
        _check_postal_code_for_country(self, cleaned)
        return cleaned


def _check_postal_code_for_country(form, cleaned) -> None:
    postal_code, country = cleaned.get("postal_code"), cleaned.get("country")
    if postal_code and country:
        try:
            validate_postal_code(postal_code, country)
        except forms.ValidationError as error:
            form.add_error("postal_code", error)


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


class FieldCopies(MutableMapping):
    """A form's own copies of its fields, each made the first time it is asked for.

    Every Django form starts with its own deep copy of its fields, so that one
    form can change its fields without touching the next. Validating a
    signature changes no field, so the signing form validates with the
    class's fields (SignatureForm._clean_fields) and a valid signature never
    copies them; the form only copies the fields it renders or changes.
    """

    def __init__(self, base_fields):
        self._base, self._copies = base_fields, {}

    def __getitem__(self, name):
        field = self._copies.get(name)
        if field is None:
            field = self._copies[name] = _copy_field(self._base[name])
        return field

    # The class's base_fields are never changed: adding or removing a field
    # gives this form its own dictionary of names.
    def __setitem__(self, name, field):
        if name not in self._base:
            self._base = {**self._base, name: field}
        self._copies[name] = field

    def __delitem__(self, name):
        if name not in self._base:
            raise KeyError(name)
        self._base = {key: value for key, value in self._base.items() if key != name}
        self._copies.pop(name, None)

    def __contains__(self, name):
        return name in self._base

    def __iter__(self):
        return iter(self._base)

    def __len__(self):
        return len(self._base)

    def for_cleaning(self, name):
        """The field to clean with: the form's copy if it made one, else the class's shared field."""
        return self._copies.get(name) or self._base[name]


class LazilyCopiedFields(dict):
    """A form class's base_fields, whose deep copy is a FieldCopies: nothing is copied until needed."""

    def __deepcopy__(self, memo):
        return FieldCopies(self)


SignatureForm.base_fields = LazilyCopiedFields(SignatureForm.base_fields)


class EmailForm(forms.Form):
    """One address: to have a confirmation sent again, or a withdrawal link."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class SignerChoicesForm(forms.Form):
    """What the owner of an address confirms: the signing form's own fields, without the address and traps.

    The confirmation page shows it filled in with what is stored, so the owner
    sees what will be counted and shown, and can correct what someone else chose.
    """

    name = SignatureForm.base_fields["name"]
    postal_code = SignatureForm.base_fields["postal_code"]
    country = SignatureForm.base_fields["country"]
    comment = SignatureForm.base_fields["comment"]
    public = SignatureForm.base_fields["public"]
    opt_in = SignatureForm.base_fields["opt_in"]

    clean_postal_code = SignatureForm.clean_postal_code

    def clean(self):
        cleaned = super().clean()
        _check_postal_code_for_country(self, cleaned)
        return cleaned
