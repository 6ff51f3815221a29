"""The signing form and the confirmation form: one set of choices, checked the same way."""

import sys
import time
import unicodedata

import pytest
from django import forms

from petition.models import Petition
from signatures.abuse.bot_trap import form_started_token
from signatures.forms import SignatureForm, SignerChoicesForm
from signatures.validators import MULTILINE_OK, reject_control_characters

# The form's bot trap signs its token for a petition; these tests need no database.
PETITION = Petition(pk=1)
CHOICES = ["name", "postal_code", "country", "comment", "public", "opt_in"]


def signing_form(data, *, started_seconds_ago=60):
    started = form_started_token(PETITION, time.time() - started_seconds_ago)
    return SignatureForm({"started": started, "website": "", **data}, petition=PETITION)


def test_the_signing_form_asks_in_the_pages_order_with_the_traps_and_share_code_hidden():
    form = SignatureForm(petition=PETITION)
    assert [field.name for field in form.visible_fields()] == [
        "name",
        "email",
        "postal_code",
        "country",
        "comment",
        "public",
        "opt_in",
    ]
    assert [field.name for field in form.hidden_fields()] == ["website", "started", "source"]
    assert [field.name for field in SignerChoicesForm().visible_fields()] == CHOICES


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"country": "XX"},
        {"name": "", "postal_code": "1234", "comment": "x" * 1001},
        {"name": "a\x00b", "country": "CA", "postal_code": "k1a0b1", "public": "on"},
        {"country": "CA", "postal_code": "k1a 0b1", "public": "on", "opt_in": "on"},
        {"postal_code": "sw1a 1aa", "country": "GB"},
        {"postal_code": "<script>", "country": "GB"},
    ],
)
def test_the_confirmation_form_checks_the_choices_as_the_signing_form_does(signer_data, overrides):
    data = {**signer_data(), **overrides}
    signing, confirming = signing_form(data), SignerChoicesForm(data)
    assert signing.is_valid() == confirming.is_valid()
    assert signing.errors == confirming.errors
    if confirming.is_valid():
        assert confirming.cleaned_data == {name: signing.cleaned_data[name] for name in CHOICES}
    assert signing["country"].as_widget() == confirming["country"].as_widget()


def test_a_signing_form_cleans_the_share_code_and_turns_the_traps_into_signals(signer_data):
    form = signing_form({**signer_data(postal_code="k1a 0b1", country="CA"), "source": " WA "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["source"] == "wa"
    assert form.cleaned_data["postal_code"] == "K1A 0B1"
    assert form.cleaned_data["flagged"] is False and 60 <= form.cleaned_data["fill_seconds"] < 70
    assert "website" not in form.cleaned_data and "started" not in form.cleaned_data
    mangled = signing_form({**signer_data(), "source": "=HYPERLINK()"})
    assert mangled.is_valid() and mangled.cleaned_data["source"] == ""


def test_a_form_open_too_long_says_only_that(signer_data):
    # The traps' check runs before the choices' (SignatureForm's bases): a
    # person asked to sign again is not also told about a ZIP code.
    form = signing_form(signer_data(postal_code="1234"), started_seconds_ago=30 * 24 * 3600)
    assert not form.is_valid()
    assert form.errors.as_data().keys() == {"__all__"}
    assert [error.code for error in form.errors.as_data()["__all__"]] == ["expired"]


@pytest.mark.parametrize("multiline", [False, True])
def test_text_python_calls_printable_has_no_character_the_check_refuses(multiline):
    # The validator accepts printable text without looking at each character:
    # that is right only if no refused character is ever printable.
    refused = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Co", "Cs")
    ]
    assert not any(char.isprintable() for char in refused)
    for char in refused[::97]:
        if multiline and char in MULTILINE_OK:
            reject_control_characters(f"a{char}b", multiline=True)
        else:
            with pytest.raises(forms.ValidationError):
                reject_control_characters(f"a{char}b", multiline=multiline)
