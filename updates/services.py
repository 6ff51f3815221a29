"""Every write of updates: keyword-only arguments, one transaction each."""

from django.db import connection, transaction
from django.utils import timezone

from signatures.canonical import canonical_email
from updates import sending
from updates.models import Suppression, Unsubscribe, Update, recipients


def update_create(
    *, petition, title: str, body: str, title_es: str = "", body_es: str = "", user=None
) -> Update:
    update = Update(
        petition=petition, title=title, body=body, title_es=title_es, body_es=body_es, created_by=user
    )
    update.full_clean()
    update.save()
    return update


def queue_recipients(update: Update) -> int:
    """Insert one delivery row per recipient, in one statement; returns how many rows it inserted.

    INSERT … SELECT from the signatures table, so that 100,000 recipients are
    never 100,000 Python objects, and ON CONFLICT DO NOTHING on the
    one-row-per-recipient constraint, so running it again queues only those
    not queued yet.
    """
    select, params = recipients(update.petition).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO updates_delivery"
            " (update_id, signature_id, created_at, next_attempt_at, attempts, last_error)"
            f" SELECT %s, chosen.signature_id, now(), now(), 0, '' FROM ({select}) AS chosen (signature_id)"
            " ON CONFLICT (update_id, signature_id) DO NOTHING",
            [update.pk, *params],
        )
        return cursor.rowcount


@transaction.atomic
def update_publish(*, update: Update, user=None, email: bool) -> Update:
    """Put an update on its campaign page and, when email is True, start emailing it.

    Locked, so that two organizers pressing "publish" at once email it once.
    An update is emailed at most once; publishing it again changes nothing.
    """
    update = Update.objects.select_for_update().select_related("petition").get(pk=update.pk)
    fields = []
    now = timezone.now()
    if update.published_at is None:
        update.published_at = now
        fields.append("published_at")
    if email and update.sending == Update.Sending.NOT_EMAILED:
        update.sending = Update.Sending.SENDING
        update.emailed_at = now
        update.emailed_by = user
        update.save(update_fields=[*fields, "sending", "emailed_at", "emailed_by", "updated_at"])
        update.recipient_count = queue_recipients(update)
        update.save(update_fields=["recipient_count"])
        transaction.on_commit(lambda: sending.enqueue(update.pk))
    elif fields:
        update.save(update_fields=[*fields, "updated_at"])
    return update


def _change_sending(update: Update, *, from_states, to_state) -> bool:
    changed = Update.objects.filter(pk=update.pk, sending__in=from_states).update(
        sending=to_state, updated_at=timezone.now()
    )
    return bool(changed)


@transaction.atomic
def update_pause(*, update: Update) -> bool:
    """Stop sending after the message being sent; True when it was sending."""
    return _change_sending(update, from_states=[Update.Sending.SENDING], to_state=Update.Sending.PAUSED)


@transaction.atomic
def update_resume(*, update: Update) -> bool:
    if not _change_sending(update, from_states=[Update.Sending.PAUSED], to_state=Update.Sending.SENDING):
        return False
    transaction.on_commit(lambda: sending.enqueue(update.pk))
    return True


@transaction.atomic
def update_cancel(*, update: Update) -> bool:
    """Stop for good: what is not sent yet never will be."""
    return _change_sending(
        update,
        from_states=[Update.Sending.SENDING, Update.Sending.PAUSED],
        to_state=Update.Sending.CANCELLED,
    )


def update_send_test(*, update: Update, address: str, language: str) -> None:
    """Queue the update, as its recipients get it, to one organizer's own address."""
    sending.send_update_test.enqueue(update.pk, address, language)


def suppression_add(*, email: str, reason: str, note: str = "", user=None) -> tuple[Suppression, bool]:
    """Put an address on the suppression list: its entry, and False when it was on it already.

    get_or_create on the unique canonical email: two adds at once (an
    organizer and a bounce) make one entry.
    """
    entry = Suppression(email=email.strip(), email_canonical=canonical_email(email), reason=reason, note=note)
    entry.full_clean(validate_unique=False)
    return Suppression.objects.get_or_create(
        email_canonical=entry.email_canonical,
        defaults={"email": entry.email, "reason": reason, "note": entry.note, "created_by": user},
    )


def unsubscribe(*, signature) -> None:
    """No more updates of this signature's petition to its address. Idempotent."""
    Unsubscribe.objects.bulk_create(
        [Unsubscribe(petition_id=signature.petition_id, email_canonical=signature.email_canonical)],
        ignore_conflicts=True,
    )
