import pytest

from signatures.canonical import canonical_email


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Maria@Example.org", "maria@example.org"),
        ("  maria@example.org \t", "maria@example.org"),
        ("Maria.Jose+petition@gmail.com", "mariajose@gmail.com"),
        ("m.a.r.i.a@googlemail.com", "maria@gmail.com"),
        ("MARIA+x+y@GoogleMail.com", "maria@gmail.com"),
        # Other providers may treat dots and tags as part of the address.
        ("maria.jose+tag@example.org", "maria.jose+tag@example.org"),
        ("maria.jose@outlook.com", "maria.jose@outlook.com"),
    ],
)
def test_it_folds_what_the_provider_ignores(typed, canonical):
    assert canonical_email(typed) == canonical
