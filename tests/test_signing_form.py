"""The signing form's two shortcuts for speed give the same answers as the long way."""

import copy
import sys
import unicodedata

import pytest
from django import forms

from signatures.forms import CheaplyCopiedFields, SignatureForm
from signatures.validators import MULTILINE_OK, reject_control_characters


def test_each_form_gets_its_own_fields_and_widgets():
    first, second = SignatureForm(), SignatureForm()
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


def test_the_cheap_copy_renders_and_validates_as_djangos_deep_copy(monkeypatch, signer_data):
    data = {**signer_data(), "country": "XX", "email": "not an address"}
    cheap_form = SignatureForm(data)
    monkeypatch.setattr(SignatureForm, "base_fields", dict(SignatureForm.base_fields))
    django_form = SignatureForm(data)
    assert not isinstance(SignatureForm.base_fields, CheaplyCopiedFields)
    assert str(cheap_form) == str(django_form)
    assert cheap_form.errors == django_form.errors
    assert cheap_form.fields["country"].choices is not None
    assert list(cheap_form.fields["country"].widget.choices)[:3] == list(
        copy.deepcopy(django_form.fields["country"]).widget.choices
    )[:3]


def test_choice_fields_get_their_own_choices():
    first, second = SignatureForm(), SignatureForm()
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
