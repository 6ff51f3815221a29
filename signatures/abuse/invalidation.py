"""Invalidation by criteria: strike every signature that matches, as one batch that can be undone.

Organizers see how many signatures match before they confirm. The strikes
run in a background task, one signature at a time through signature_strike,
so every count change goes through the same path as a single strike and the
count stays exact; a batch interrupted half-way picks up where it stopped.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils.translation import gettext as _

from signatures.models import InvalidationBatch, Signature
from signatures.services import required_reason, signature_restore, signature_strike

CRITERIA = ("ip_hash", "email_domain", "signed_from", "signed_until")


def matching(*, petition, ip_hash="", email_domain="", signed_from=None, signed_until=None):
    """Signatures that an invalidation with these criteria would strike (pending or confirmed ones)."""
    rows = Signature.objects.filter(
        petition=petition, status__in=[Signature.Status.PENDING, Signature.Status.CONFIRMED]
    )
    if ip_hash:
        rows = rows.filter(ip_hash=ip_hash)
    if email_domain:
        rows = rows.filter(email_domain=email_domain.strip().lower())
    if signed_from:
        rows = rows.filter(created_at__gte=signed_from)
    if signed_until:
        rows = rows.filter(created_at__lt=signed_until)
    return rows


def invalidation_create(*, petition, by, reason: str, previewed_count: int, **criteria) -> InvalidationBatch:
    """Record the batch and queue the task that strikes its signatures."""
    reason = required_reason(reason, _("Say why these signatures are struck."))
    if not any(criteria.get(name) for name in CRITERIA):
        raise ValidationError(_("Choose at least one criterion."))
    with transaction.atomic():
        batch = InvalidationBatch.objects.create(
            petition=petition,
            created_by=by,
            reason=reason,
            previewed_count=previewed_count,
            ip_hash=criteria.get("ip_hash") or "",
            email_domain=(criteria.get("email_domain") or "").strip().lower(),
            signed_from=criteria.get("signed_from"),
            signed_until=criteria.get("signed_until"),
        )
        transaction.on_commit(lambda: run_invalidation.enqueue(batch.pk))
    return batch


def invalidation_undo(*, batch: InvalidationBatch, by) -> None:
    with transaction.atomic():
        updated = InvalidationBatch.objects.filter(pk=batch.pk, state=InvalidationBatch.State.DONE).update(
            state=InvalidationBatch.State.UNDOING, undone_by=by
        )
        if not updated:
            raise ValidationError(_("Only a finished invalidation can be undone."))
        transaction.on_commit(lambda: undo_invalidation.enqueue(batch.pk))


@task
def run_invalidation(batch_id: int) -> int:
    batch = InvalidationBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.state != InvalidationBatch.State.QUEUED:
        return 0
    criteria = {name: getattr(batch, name) for name in CRITERIA}
    struck = 0
    for signature in matching(petition=batch.petition, **criteria).iterator():
        try:
            with transaction.atomic():
                if signature_strike(signature=signature, by=batch.created_by, reason=batch.strike_reason):
                    batch.signatures.add(signature)
                    struck += 1
        except Signature.DoesNotExist:  # withdrawn by its owner meanwhile
            continue
    InvalidationBatch.objects.filter(pk=batch.pk).update(
        state=InvalidationBatch.State.DONE, struck_count=batch.signatures.count()
    )
    return struck


@task
def undo_invalidation(batch_id: int) -> int:
    """Restore the batch's signatures that are still struck by it (not those struck again since)."""
    batch = InvalidationBatch.objects.get(pk=batch_id)
    if batch.state != InvalidationBatch.State.UNDOING:
        return 0
    by = get_user_model().objects.filter(pk=batch.undone_by_id).first()
    restored = 0
    still_struck = batch.signatures.filter(status=Signature.Status.STRUCK, status_reason=batch.strike_reason)
    for signature in still_struck.iterator():
        try:
            if signature_restore(signature=signature, by=by, reason=f"Undo of invalidation #{batch.pk}"):
                restored += 1
        except Signature.DoesNotExist:
            continue
    InvalidationBatch.objects.filter(pk=batch.pk).update(
        state=InvalidationBatch.State.UNDONE, restored_count=F("restored_count") + restored
    )
    return restored
