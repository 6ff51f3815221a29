"""The signed links in signers' emails: confirm a signature, or withdraw it.

A token is `<signature id>.<timestamp>.<signature>`, signed with SECRET_KEY
and a salt that names the purpose, the petition and the canonical email. So a
token confirms only the signature it was made for, stops working if the row
is replaced by another with the same id, and carries no personal data in the
URL (links end up in logs and mail scanners).
"""

from django.conf import settings
from django.core import signing

from signatures.models import Signature

CONFIRM = "confirm"
WITHDRAW = "withdraw"


class InvalidLink(Exception):
    """Malformed or tampered with."""


class UnknownLink(Exception):
    """Well-formed, but no such signature (withdrawn, purged, or never existed)."""


class ExpiredLink(Exception):
    def __init__(self, signature):
        super().__init__("expired link")
        self.signature = signature


def _signer(signature: Signature, purpose: str) -> signing.TimestampSigner:
    # "." rather than Django's ":" between the parts: mail clients that
    # turn plain-text URLs into links sometimes stop at a colon.
    return signing.TimestampSigner(
        sep=".", salt=f"signatures.{purpose}:{signature.petition_id}:{signature.email_canonical}"
    )


def make(signature: Signature, purpose: str) -> str:
    return _signer(signature, purpose).sign(str(signature.pk))


def max_age(purpose: str) -> int | None:
    # Withdrawal links stay good as long as the signature exists: removing
    # one's name must never depend on finding a recent email.
    return settings.CONFIRM_LINK_DAYS * 24 * 3600 if purpose == CONFIRM else None


def read(token: str, *, purpose: str, petition) -> Signature:
    """The signature a token was made for. Raises InvalidLink, UnknownLink or ExpiredLink."""
    pk, _, _ = token.partition(".")
    if not pk.isascii() or not pk.isdigit() or len(pk) > 18:
        raise InvalidLink(token)
    signature = Signature.objects.select_related("petition").filter(pk=int(pk), petition=petition).first()
    if signature is None:
        raise UnknownLink(token)
    signer = _signer(signature, purpose)
    try:
        signer.unsign(token, max_age=max_age(purpose))
    except signing.SignatureExpired:
        raise ExpiredLink(signature) from None
    except signing.BadSignature:
        raise InvalidLink(token) from None
    return signature
