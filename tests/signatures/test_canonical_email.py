import pytest

from signatures.canonical import canonical_email
from signatures.counting import count_for
from signatures.models import Signature
from tests.support.factories import sign


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Maria@Example.org", "maria@example.org"),
        ("  maria@example.org \t", "maria@example.org"),
        ("Maria.Jose+petition@gmail.com", "mariajose@gmail.com"),
        ("m.a.r.i.a@googlemail.com", "maria@gmail.com"),
        ("MARIA+x+y@GoogleMail.com", "maria@gmail.com"),
        # Other providers may treat dots as part of the address; tags go everywhere.
        ("maria.jose+tag@example.org", "maria.jose@example.org"),
        ("maria.jose@outlook.com", "maria.jose@outlook.com"),
        # An address that is all tag is kept whole.
        ("+tag@example.org", "+tag@example.org"),
        ("no-at-sign ", "no-at-sign"),
    ],
)
def test_it_folds_what_the_provider_ignores(typed, canonical):
    assert canonical_email(typed) == canonical


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("x@ｇｍａｉｌ.com", "x@gmail.com"),  # fullwidth: mail servers deliver it to gmail.com
        ('"x"@gmail.com', "x@gmail.com"),
        ('"x+q"@gmail.com', "x@gmail.com"),
        ('"x\\+q"@example.org', "x@example.org"),
        ("x@bücher.example", "x@xn--bcher-kva.example"),
        ("x@BÜCHER.example", "x@xn--bcher-kva.example"),
        ("x+tag@outlook.com", "x@outlook.com"),
        ("x+tag@hotmail.com", "x@hotmail.com"),
        ("x+tag@fastmail.com", "x@fastmail.com"),
        ("x+tag@proton.me", "x@proton.me"),
        ("x+tag@icloud.com", "x@icloud.com"),
        ("x-kw@yahoo.com", "x@yahoo.com"),
        ("x-kw+t@yahoo.co.uk", "x@yahoo.co.uk"),
        ("x-kw@ymail.com", "x@ymail.com"),
        ("x-kw@rocketmail.com", "x@rocketmail.com"),
        ("X@Example.COM.", "x@example.com"),
        ("x@gmail。com", "x@gmail.com"),
    ],
)
def test_every_form_of_one_mailbox_has_one_canonical_form(variant, plain):
    assert canonical_email(variant) == canonical_email(plain)
    assert canonical_email(plain) == plain.lower()


def test_a_hyphen_is_part_of_the_address_outside_yahoo():
    assert canonical_email("x-kw@example.org") == "x-kw@example.org"


def test_a_domain_idna_cannot_encode_keeps_its_normalised_text():
    label = "ａ" * 70  # too long for a DNS label
    assert canonical_email(f"x@{label}.org") == f"x@{'a' * 70}.org"


@pytest.mark.parametrize(
    "variants",
    [
        ("x@gmail.com", "x@ｇｍａｉｌ.com"),
        ("x@gmail.com", '"x"@gmail.com'),
        ("x@gmail.com", '"x+q"@gmail.com'),
        ("x@bücher.example", "x@xn--bcher-kva.example"),
        ("x@outlook.com", "x+tag@outlook.com"),
        ("x@yahoo.com", "x-kw@yahoo.com"),
    ],
)
def test_two_forms_of_one_address_sign_once(client, petition, variants):
    for email in variants:
        response = sign(client, petition, email=email)
        assert response.status_code == 302
    assert Signature.objects.filter(petition=petition).count() == 1
    assert count_for(petition) == 1
