"""Emailing an update: one message per Delivery row, sent by the background worker in paced batches.

The guarantees are the confirmation mail's (signatures/mail.py): a row stays
locked while the mail server talks and is marked sent in the same
transaction, so a task that runs twice sends once, and a worker killed
mid-send leaves the row unsent for `manage.py requeue_mail` to queue again.
What differs is the volume: a task sends a batch of UPDATE_MAIL_BATCH_SIZE
messages over one SMTP connection, then schedules the next batch so that the
update goes out at UPDATE_MAILS_PER_MINUTE at most, and between batches the
worker is free for confirmation mail. One batch per update runs at a time
(a PostgreSQL advisory lock, released with its connection if the worker dies),
so a requeue can never double the rate.
"""

import contextlib
import logging
import smtplib
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from signatures import tokens
from signatures.mail import absolute, retry_delay, waiting
from updates.models import Delivery, Suppression, Update, recipients

logger = logging.getLogger(__name__)

UNSUBSCRIBE = "unsubscribe"
# The advisory lock's first key: "updates" in the lock namespace, the update's id the second.
LOCK_NAMESPACE = 1701


def enqueue(update_id: int, *, run_after=None) -> None:
    batch = send_update_batch if run_after is None else send_update_batch.using(run_after=run_after)
    batch.enqueue(update_id)


def unsubscribe_url(signature) -> str:
    with translation.override(signature.language):
        path = reverse(
            "updates:unsubscribe", args=[signature.petition.slug, tokens.make(signature, UNSUBSCRIBE)]
        )
    return absolute(path)


def build_message(
    update: Update, *, to: str, language: str, unsubscribe: str, message_id: str
) -> EmailMultiAlternatives:
    """The email of an update to one address, in its language (English when the update has no Spanish)."""
    petition = update.petition
    # All of it in one language: a Spanish frame around English text reads as a mistake.
    language = "es" if language.startswith("es") and update.body_es else "en"
    with translation.override(language):
        context = {
            "update": update,
            "petition": petition,
            "title": update.local_title,
            "body_text": update.local_body,
            "body_html": update.local_body_html,
            "lang": update.local_lang,
            "update_url": absolute(update.get_absolute_url()),
            "petition_url": absolute(petition.get_absolute_url()),
            "unsubscribe_url": unsubscribe,
        }
        subject = " ".join(update.local_title.split())
        text = render_to_string("updates/email/update.txt", context)
        html = render_to_string("updates/email/update.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Message-ID": message_id,
            # RFC 2369 and RFC 8058: mail providers show an unsubscribe button
            # that POSTs "List-Unsubscribe=One-Click" to this URL.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{petition.slug}.updates.{_host()}>",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def delivery_message(delivery: Delivery) -> EmailMultiAlternatives:
    signature = delivery.signature
    return build_message(
        delivery.update,
        to=signature.email,
        language=signature.language,
        unsubscribe=unsubscribe_url(signature),
        # The same id on every attempt, so that the rare copy sent twice (a
        # worker killed between the server's OK and the commit) is
        # recognisably the same message.
        message_id=f"<update-{delivery.update_id}-{delivery.pk}.{int(delivery.created_at.timestamp())}@{_host()}>",
    )


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname


@task
def send_update_batch(update_id: int) -> str:
    return send_batch(update_id)


@task
def send_update_test(update_id: int, address: str, language: str) -> str:
    """An organizer's "send a test to me": the update as a recipient gets it, to the organizer alone."""
    update = Update.objects.select_related("petition").get(pk=update_id)
    # A test has no recipient to unsubscribe: its link opens the neutral page.
    unsubscribe = absolute(reverse("updates:unsubscribe", args=[update.petition.slug, "test"]))
    message = build_message(
        update,
        to=address,
        language=language,
        unsubscribe=unsubscribe,
        message_id=f"<update-{update.pk}-test.{int(time.time() * 1000)}@{_host()}>",
    )
    message.subject = f"[TEST] {message.subject}"
    mailers.default.send_messages([message])
    return "sent"


@contextlib.contextmanager
def batch_lock(update_id: int):
    """Whether this process holds the update's sending lock, held for the with block."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, update_id])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, update_id])


def send_batch(update_id: int) -> str:
    """Send up to UPDATE_MAIL_BATCH_SIZE due messages of an update, then schedule what follows."""
    started = timezone.now()
    with batch_lock(update_id) as held:
        if not held:
            return "another batch of this update is being sent"
        mailer = mailers.default
        sent = 0
        try:
            for _ in range(settings.UPDATE_MAIL_BATCH_SIZE):
                outcome = deliver_next(update_id, mailer)
                if outcome is None:
                    break
                sent += 1
        finally:
            mailer.close()
    # After the lock is released, so that the next batch never finds it held.
    follow_up(update_id, not_before=started + timedelta(minutes=sent / settings.UPDATE_MAILS_PER_MINUTE))
    return f"{sent} message(s) handled"


def follow_up(update_id: int, *, not_before) -> None:
    """Schedule the next batch, or mark the update done when nothing is left to send."""
    with transaction.atomic():
        update = Update.objects.select_for_update().get(pk=update_id)
        if update.sending != Update.Sending.SENDING:
            return  # paused or cancelled: resuming queues a batch again
        next_due = (
            Delivery.objects.filter(update=update)
            .unsent()
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
        ).first()
        if next_due is None:
            update.sending = Update.Sending.DONE
            update.save(update_fields=["sending", "updated_at"])
            return
        run_after = max(next_due, not_before)
        transaction.on_commit(
            lambda: enqueue(update_id, run_after=run_after if run_after > timezone.now() else None)
        )


def deliver_next(update_id: int, mailer) -> Delivery | None:
    """Send the next due message of an update that is sending; None when there is none.

    Locked with SKIP LOCKED: a row another worker is sending (or a killed
    worker's, until its connection is gone) is passed over, never sent twice.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("signature__petition", "update__petition")
            .filter(update_id=update_id, update__sending=Update.Sending.SENDING)
            .due()
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        now = timezone.now()
        signature = delivery.signature
        # Who may be mailed is decided again now: an unsubscribe, a
        # suppression or a strike since the update was queued stops it.
        if not recipients(signature.petition).filter(pk=signature.pk).exists():
            delivery.gave_up_at = now
            delivery.last_error = "No longer a recipient (unsubscribed, suppressed or struck)"
            delivery.save(update_fields=["gave_up_at", "last_error"])
            return delivery
        try:
            mailer.open()
            mailer.send_messages([delivery_message(delivery)])
        except smtplib.SMTPRecipientsRefused as error:
            _refused(delivery, error, now)
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                # Refused for good, but not the address: the message (content,
                # sender) was. Nothing to retry, nothing to suppress.
                _give_up(delivery, error, now)
            else:
                _retry_later(delivery, error, now, mailer)
        except (smtplib.SMTPException, OSError) as error:
            _retry_later(delivery, error, now, mailer)
        except ValueError as error:  # an address the mail library cannot encode
            _give_up(delivery, error, now)
        else:
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
    return delivery


def _describe(error) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _give_up(delivery, error, now) -> None:
    delivery.gave_up_at = now
    delivery.last_error = _describe(error)
    delivery.save(update_fields=["gave_up_at", "last_error"])


def _refused(delivery, error, now) -> None:
    """The recipient's server refused the address: for good (5xx) it is suppressed, else tried again."""
    codes = [code for code, _message in error.recipients.values()]
    if codes and all(code >= 500 for code in codes):
        # Imported here because services enqueues this module's tasks.
        from updates import services

        services.suppression_add(
            email=delivery.signature.email, reason=Suppression.Reason.REJECTED, note=_describe(error)
        )
        _give_up(delivery, error, now)
    else:
        _retry_later(delivery, error, now, None)


def _retry_later(delivery, error, now, mailer) -> None:
    delivery.attempts += 1
    delivery.last_error = _describe(error)
    if delivery.attempts >= settings.MAIL_MAX_ATTEMPTS:
        delivery.gave_up_at = now
        logger.error(
            "Gave up sending update email %s after %s attempts: %s", delivery.pk, delivery.attempts, error
        )
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_error", "next_attempt_at", "gave_up_at"])
    if mailer is not None:
        # The connection may be broken: the next message opens a new one.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            mailer.close()


def requeue_unsent() -> int:
    """Queue a batch for every update that is sending and has no batch waiting to run.

    For the update whose worker was killed mid-batch (django-tasks-db leaves
    that task "running" for ever) or whose next batch was never queued (a
    batch that finds nothing to send marks the update done). Harmless to
    repeat: a batch that finds another one sending (the lock) stops at once
    and schedules nothing, so chains never multiply.
    """
    queued = list(
        Update.objects.filter(sending=Update.Sending.SENDING)
        .exclude(pk__in=waiting(send_update_batch))
        .values_list("pk", flat=True)
    )
    for update_id in queued:
        enqueue(update_id)
    return len(queued)
