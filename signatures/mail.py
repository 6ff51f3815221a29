"""Rendering and sending the emails in the SignatureMail outbox. Runs in the worker."""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from signatures import tasks, tokens
from signatures.models import SignatureMail, SignerRequest

logger = logging.getLogger(__name__)

# The longest wait between two attempts, however many have failed.
MAX_RETRY_DELAY = timedelta(hours=6)


def enqueue(mail_id: int, *, run_after=None) -> None:
    task = send_signature_mail if run_after is None else send_signature_mail.using(run_after=run_after)
    task.enqueue(mail_id)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def build_message(mail: SignatureMail) -> EmailMultiAlternatives:
    """The email for a row, in its signer's language, with absolute links."""
    signature = mail.signature
    petition = signature.petition
    with translation.override(signature.language):
        context = {
            "mail": mail,
            "signature": signature,
            "petition": petition,
            "title": petition.local_title,
            "petition_url": absolute(petition.get_absolute_url()),
            "withdraw_url": absolute(
                reverse("signatures:withdraw", args=[petition.slug, tokens.make(signature, tokens.WITHDRAW)])
            ),
            "link_days": settings.CONFIRM_LINK_DAYS,
        }
        if mail.kind == SignatureMail.Kind.CONFIRM:
            context["confirm_url"] = absolute(
                reverse("signatures:confirm", args=[petition.slug, tokens.make(signature, tokens.CONFIRM)])
            )
            if petition.call_chambers != petition.CallChambers.NONE:
                context["call_url"] = absolute(reverse("petition:call", args=[petition.slug]))
        template = f"signatures/email/{mail.kind}"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signature.email],
        headers={
            # The same id on every attempt, so that the rare copy sent twice
            # (a worker killed between the server's OK and the commit) is
            # recognisably the same message; the time keeps it unique if
            # row ids ever start again (a fresh database).
            "Message-ID": f"<signature-mail-{mail.pk}.{int(mail.created_at.timestamp())}@{urlsplit(settings.SITE_URL).hostname}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def retry_delay(attempts: int) -> timedelta:
    return min(timedelta(seconds=settings.MAIL_RETRY_SECONDS * 2 ** (attempts - 1)), MAX_RETRY_DELAY)


@task
def send_signature_mail(mail_id: int) -> str:
    return deliver(mail_id)


def deliver(mail_id: int) -> str:
    """Send one outbox row if it still needs sending. Safe to run any number of times.

    The row stays locked while the mail server talks, so a second task for the
    same row (a retry, a requeue after a crash) waits or skips it instead of
    sending again; if the worker dies mid-send the lock goes with its
    connection and the row is still unsent. A failure is recorded and a new
    task scheduled with backoff before the error is raised again, so the
    task's result shows it.
    """
    failure = None
    with transaction.atomic():
        mail = (
            SignatureMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("signature__petition")
            .unsent()
            .filter(pk=mail_id)
            .first()
        )
        if mail is None:
            return "nothing to send"  # sent, withdrawn, given up, or being sent right now
        now = timezone.now()
        if mail.next_attempt_at > now:
            return "not due"  # a retry is scheduled for later
        try:
            mailers.default.send_messages([build_message(mail)])
        except (smtplib.SMTPException, OSError) as error:
            failure = error
            mail.attempts += 1
            mail.last_error = f"{type(error).__name__}: {error}"[:300]
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.gave_up_at = now
                logger.error("Gave up sending mail %s after %s attempts: %s", mail.pk, mail.attempts, error)
            else:
                mail.next_attempt_at = now + retry_delay(mail.attempts)
                run_after = mail.next_attempt_at
                transaction.on_commit(lambda: enqueue(mail.pk, run_after=run_after))
            mail.save(update_fields=["attempts", "last_error", "next_attempt_at", "gave_up_at"])
        else:
            mail.sent_at = timezone.now()
            mail.save(update_fields=["sent_at"])
    if failure is not None:
        raise failure
    return "sent"


def waiting(task_function) -> set[int]:
    """The ids that tasks of this function waiting to run were given."""
    return {
        args_kwargs["args"][0]
        for args_kwargs in DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task_function.module_path
        ).values_list("args_kwargs", flat=True)
    }


def requeue_unsent() -> int:
    """Enqueue a task for every due, unsent mail and every signer request that has none waiting.

    For rows whose worker was killed mid-way (django-tasks-db leaves that
    task marked as running for ever) or whose enqueue was lost after its
    commit. A worker that is on a row holds its lock, so its rows are
    skipped; so are rows with a task waiting, so running this often (from
    cron) does not pile up tasks behind a backlog. Returns how many were queued.
    """
    waiting_mail, waiting_requests = waiting(send_signature_mail), waiting(tasks.process_signer_request)
    with transaction.atomic():
        unsent = SignatureMail.objects.due().select_for_update(skip_locked=True).values_list("pk", flat=True)
        orphans = [mail_id for mail_id in unsent if mail_id not in waiting_mail]
        for mail_id in orphans:
            enqueue(mail_id)
        requests = SignerRequest.objects.select_for_update(skip_locked=True).values_list("pk", flat=True)
        orphan_requests = [request_id for request_id in requests if request_id not in waiting_requests]
        for request_id in orphan_requests:
            tasks.enqueue(request_id)
    return len(orphans) + len(orphan_requests)
