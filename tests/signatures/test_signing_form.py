"""The signing form's shortcuts for speed give the same answers as the long way."""

import copy
import sys
import unicodedata

import pytest
from django import forms

from petition.models import Petition
from signatures.forms import FieldCopies, LazilyCopiedFields, SignatureForm
from signatures.validators import MULTILINE_OK, reject_control_characters

# The form's bot trap signs its token for a petition; these tests need no database.
PETITION = Petition(pk=1)


def test_each_form_gets_its_own_fields_and_widgets():
    first, second = SignatureForm(petition=PETITION), SignatureForm(petition=PETITION)
    for name, field in first.fields.items():
        other, base = second.fields[name], SignatureForm.base_fields[name]
        assert field is not other and field is not base
        assert field.widget is not other.widget and field.widget is not base.widget
        assert field.widget.attrs is not base.widget.attrs
        assert field.validators is not base.validators
        assert field.error_messages is not base.error_messages
    first.fields["name"].widget.attrs["placeholder"] = "changed"
    first.fields["name"].validators.append(lambda value: None)
    first.fields["email"].error_messages["required"] = "changed"
    assert "placeholder" not in second.fields["name"].widget.attrs
    assert "placeholder" not in SignatureForm.base_fields["name"].widget.attrs
    assert len(second.fields["name"].validators) == len(SignatureForm.base_fields["name"].validators)
    assert SignatureForm.base_fields["email"].error_messages["required"] != "changed"


@pytest.mark.parametrize("overrides", [
    {},
    {"country": "XX", "email": "not an address"},
    {"name": "", "postal_code": "1234", "comment": "x" * 1001, "source": "=HYPERLINK()"},
    {"name": "a\x00b", "email": "a@b", "country": "CA", "postal_code": "k1a0b1", "public": "on"},
])
def test_it_renders_and_validates_as_djangos_own_form(monkeypatch, signer_data, overrides):
    data = {**signer_data(), **overrides}
    ours = SignatureForm(data, petition=PETITION)
    ours_valid = ours.is_valid()
    # Django's way: a deep copy of every field and a BoundField per field.
    monkeypatch.setattr(SignatureForm, "base_fields", dict(SignatureForm.base_fields))
    monkeypatch.setattr(SignatureForm, "_clean_fields", forms.Form._clean_fields)
    djangos = SignatureForm(data, petition=PETITION)
    assert not isinstance(djangos.fields, FieldCopies)
    assert ours_valid == djangos.is_valid()
    assert ours.errors == djangos.errors
    assert str(ours) == str(djangos)
    if ours_valid:
        assert ours.cleaned_data == djangos.cleaned_data
    assert list(ours.fields["country"].widget.choices)[:3] == list(
        copy.deepcopy(djangos.fields["country"]).widget.choices
    )[:3]


def test_validating_a_good_signature_copies_no_field(signer_data):
    form = SignatureForm(signer_data(), petition=PETITION)
    assert form.is_valid()
    assert form.fields._copies == {}
    assert isinstance(SignatureForm.base_fields, LazilyCopiedFields)
    # Cleaning with the class's fields is right only if none is disabled or
    # reads files (Django cleans those from their initial value or upload).
    assert not any(
        field.disabled or isinstance(field, forms.FileField) for field in SignatureForm.base_fields.values()
    )


def test_a_form_that_changes_a_field_validates_with_its_own_copy(signer_data):
    form = SignatureForm(signer_data(comment=""), petition=PETITION)
    form.fields["comment"].required = True
    assert not form.is_valid()
    assert "comment" in form.errors
    assert SignatureForm(signer_data(comment=""), petition=PETITION).is_valid()
    assert SignatureForm.base_fields["comment"].required is False


def test_adding_or_removing_a_field_leaves_the_class_alone(signer_data):
    form = SignatureForm(signer_data(), petition=PETITION)
    form.fields["extra"] = forms.CharField()
    del form.fields["comment"]
    assert list(form.fields)[-1] == "extra" and "comment" not in form.fields
    assert not form.is_valid() and "extra" in form.errors
    assert "extra" not in SignatureForm.base_fields and "comment" in SignatureForm.base_fields
    with pytest.raises(KeyError):
        del form.fields["comment"]
    assert SignatureForm(signer_data(), petition=PETITION).is_valid()


def test_choice_fields_get_their_own_choices():
    first, second = SignatureForm(petition=PETITION), SignatureForm(petition=PETITION)
    first.fields["country"].choices = [("US", "United States")]
    assert len(list(second.fields["country"].choices)) > 200
    assert isinstance(SignatureForm.base_fields["country"], forms.ChoiceField)


@pytest.mark.parametrize("multiline", [False, True])
def test_text_python_calls_printable_has_no_character_the_check_refuses(multiline):
    # The validator accepts printable text without looking at each character:
    # that is right only if no refused character is ever printable.
    refused = [
        chr(code) for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Co", "Cs")
    ]
    assert not any(char.isprintable() for char in refused)
    for char in refused[::97]:
        if multiline and char in MULTILINE_OK:
            reject_control_characters(f"a{char}b", multiline=True)
        else:
            with pytest.raises(forms.ValidationError):
                reject_control_characters(f"a{char}b", multiline=multiline)
