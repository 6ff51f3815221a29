import ipaddress
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

US_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
POSTAL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,10}[A-Z0-9]$|^[A-Z0-9]$")

# Line breaks and tabs are fine in a comment; every other control, format or
# private-use character (NUL, bidi overrides, zero-width joiners used to spoof
# names) is refused.
MULTILINE_OK = {"\n", "\r", "\t"}


def reject_control_characters(value: str, *, multiline: bool = False) -> None:
    # isprintable() is False for every refused category, so text it accepts (all
    # of it, nearly always) needs no walk through its characters in Python.
    if value.isprintable():
        return
    allowed = MULTILINE_OK if multiline else set()
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs"):
            raise ValidationError(
                _("Remove the invisible or control characters from this field."),
                code="control_characters",
            )


def validate_no_control_characters(value: str) -> None:
    reject_control_characters(value)


def validate_no_control_characters_multiline(value: str) -> None:
    reject_control_characters(value, multiline=True)


# Links and addresses in a name would be a phishing line wherever the name is
# shown or sent: a name is only a name.
NOT_IN_A_NAME = ("://", "www.", "@")
# Hangul fillers are letters to Unicode (Lo) but show nothing; the other
# invisible characters (marks, format characters, spaces, the braille blank)
# are not letters at all.
FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def validate_name(value: str) -> None:
    # NFKC, so that fullwidth "ｗｗｗ．" or "＠" count too.
    lowered = unicodedata.normalize("NFKC", value).lower()
    if any(text in lowered for text in NOT_IN_A_NAME):
        raise ValidationError(_("Please enter only your name."), code="not_a_name")
    # A name shows at least one letter; the first character nearly always is one.
    if not any(char.isalpha() and char not in FILLERS for char in value):
        raise ValidationError(_("Please enter your name."), code="no_letter")


def normalize_postal_code(value: str) -> str:
    return " ".join(value.upper().split())


def validate_postal_code(value: str, country: str) -> None:
    if country == "US":
        if not US_ZIP.match(value):
            raise ValidationError(
                _("Enter a 5-digit ZIP code, like 78205, or ZIP+4, like 78205-1234."),
                code="invalid_zip",
            )
    elif not POSTAL_CODE.match(value):
        raise ValidationError(
            _("Enter a postal code of up to 12 letters, digits, spaces or hyphens."),
            code="invalid_postal_code",
        )


def validate_ip_network(value: str) -> None:
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValidationError(
            _("Enter an IP address like 203.0.113.7 or a network like 203.0.113.0/24."),
            code="invalid_network",
        ) from None
