"""Every write to signatures: one function each, keyword-only arguments, one transaction.

A status change and its count change happen in the same transaction, the
signature row first and the count shard last (see counting.recount).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from signatures import counting
from signatures.canonical import canonical_email
from signatures.models import Signature

UNIQUE_PER_PERSON = "one_signature_per_person"


class PetitionClosed(Exception):
    """Signing was attempted on a petition that does not take signatures now."""


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    # False when the address had already signed: the caller shows the same
    # next page either way and must not reveal which one happened.
    created: bool


def signature_create(
    *,
    petition,
    name: str,
    email: str,
    postal_code: str,
    country: str = "US",
    comment: str = "",
    public: bool = False,
    opt_in: bool = False,
    language: str = "en",
    source: str = "",
    ip_hash: str = "",
    user_agent_family: str = "",
    fill_seconds: int | None = None,
    flagged: bool = False,
) -> SignResult:
    if not petition.is_open:
        raise PetitionClosed(_("This petition is closed and no longer takes signatures."))

    now = timezone.now()
    if flagged:
        status = Signature.Status.FLAGGED
    elif petition.requires_confirmation:
        status = Signature.Status.PENDING
    else:
        status = Signature.Status.CONFIRMED
    signature = Signature(
        petition=petition,
        name=name.strip(),
        email=email.strip(),
        email_canonical=canonical_email(email),
        postal_code=postal_code.strip().upper(),
        country=country,
        comment=comment.strip(),
        public=public,
        opt_in=opt_in,
        language=language,
        source=source,
        status=status,
        confirmed_at=now if status == Signature.Status.CONFIRMED else None,
        ip_hash=ip_hash,
        user_agent_family=user_agent_family,
        fill_seconds=fill_seconds,
        email_domain=canonical_email(email).rpartition("@")[2],
    )
    # Field validation only: uniqueness is left to the database constraint
    # below, which is the one check that holds under concurrent requests. The
    # petition is the one passed in, so checking that it exists would only
    # cost a query on the busiest write path.
    signature.full_clean(exclude=["petition"], validate_unique=False, validate_constraints=False)

    # The duplicate is caught outside the transaction, which it rolls back
    # whole: no savepoint, two round trips fewer per signature.
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
            if signature.is_counted:
                counting.adjust(petition.pk, +1)
    except IntegrityError as error:
        if getattr(error.__cause__, "diag", None) is None or (
            error.__cause__.diag.constraint_name != UNIQUE_PER_PERSON
        ):
            raise
        existing = Signature.objects.get(petition=petition, email_canonical=signature.email_canonical)
        return SignResult(signature=existing, created=False)
    return SignResult(signature=signature, created=True)


def _locked(signature: Signature) -> Signature:
    return Signature.objects.select_for_update().get(pk=signature.pk)


def _set_status(signature, *, status, by=None, reason="") -> None:
    """Move a locked signature to status and keep the count in step. Inside a transaction."""
    was_counted = signature.is_counted
    signature.status = status
    signature.status_changed_at = timezone.now()
    signature.status_changed_by = by
    signature.status_reason = reason
    fields = ["status", "status_changed_at", "status_changed_by", "status_reason"]
    if status == Signature.Status.CONFIRMED and signature.confirmed_at is None:
        signature.confirmed_at = signature.status_changed_at
        fields.append("confirmed_at")
    signature.save(update_fields=fields)
    if signature.is_counted != was_counted:
        counting.adjust(signature.petition_id, +1 if signature.is_counted else -1)


@transaction.atomic
def signature_confirm(*, signature: Signature, by=None, reason: str = "") -> bool:
    """Confirm a pending signature (by its owner's link, or by an organizer with a reason).

    Returns False when there was nothing to do (already confirmed). Struck and
    flagged signatures are not confirmed by a link: an organizer restores them.
    """
    signature = _locked(signature)
    if signature.status == Signature.Status.CONFIRMED:
        return False
    if signature.status != Signature.Status.PENDING:
        raise ValidationError(_("Only a pending signature can be confirmed."))
    if by is not None and not reason.strip():
        raise ValidationError(_("Say why you confirm this signature by hand."))
    _set_status(signature, status=Signature.Status.CONFIRMED, by=by, reason=reason.strip())
    return True


@transaction.atomic
def signature_strike(*, signature: Signature, by, reason: str) -> bool:
    """Take a signature out of the count (kept for the record). Returns False if already struck."""
    if not reason.strip():
        raise ValidationError(_("Say why the signature is struck."))
    signature = _locked(signature)
    if signature.status == Signature.Status.STRUCK:
        return False
    _set_status(signature, status=Signature.Status.STRUCK, by=by, reason=reason.strip())
    return True


@transaction.atomic
def signature_restore(*, signature: Signature, by, reason: str) -> bool:
    """Undo a strike or a flag: back to confirmed if it ever was, else to pending."""
    if not reason.strip():
        raise ValidationError(_("Say why the signature is restored."))
    signature = _locked(signature)
    if signature.status not in (Signature.Status.STRUCK, Signature.Status.FLAGGED):
        return False
    status = Signature.Status.CONFIRMED if signature.confirmed_at else Signature.Status.PENDING
    _set_status(signature, status=status, by=by, reason=reason.strip())
    return True


@transaction.atomic
def signature_withdraw(*, signature: Signature) -> None:
    """The signer takes their signature back: the row and its personal data are deleted."""
    signature = _locked(signature)
    was_counted = signature.is_counted
    signature.delete()
    if was_counted:
        counting.adjust(signature.petition_id, -1)
