"""When the mail server fails: retries with backoff, nothing lost, each mail sent once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures import mail as signature_mail
from signatures.counting import count_for
from signatures.models import Signature, SignatureMail, SignerRequest
from signatures.services import signature_resend_confirmation
from tests.support.factories import sign
from tests.support.mailtools import (
    FailingSMTPBackend,
    link,
    press_confirm,
    run_worker,
    store_queued_signatures,
)

# run_worker sees only committed rows (its docstring says why).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def petition(make_petition):
    return make_petition(requires_confirmation=True)


@pytest.fixture
def smtp_down(settings):
    """The mail server fails the first `smtp_down.failures` sends."""
    settings.MAILERS = {"default": {"BACKEND": "tests.support.mailtools.FailingSMTPBackend"}}
    FailingSMTPBackend.calls = 0
    FailingSMTPBackend.failures = 0
    yield FailingSMTPBackend


def test_it_retries_until_the_server_recovers_then_sends_once(client, petition, smtp_down, settings):
    settings.MAIL_RETRY_SECONDS = 0  # retries come due at once, so one worker run sees them all
    smtp_down.failures = 3
    sign(client, petition)
    run_worker()

    assert smtp_down.calls == 4
    (message,) = mail.outbox
    queued = SignatureMail.objects.get()
    assert queued.sent_at and queued.attempts == 3
    assert "SMTPServerDisconnected" in queued.last_error
    tasks = DBTaskResult.objects.all()
    # The signing attempt's task, then the mail's: three failures and its success.
    assert sorted(t.status for t in tasks) == ["FAILED"] * 3 + ["SUCCESSFUL"] * 2
    assert all("SMTPServerDisconnected" in t.traceback for t in tasks if t.status == "FAILED")

    # The signature waited, pending, and the mail that finally went out works.
    assert Signature.objects.get().status == Signature.Status.PENDING
    press_confirm(client, link(message, "confirm"))
    assert count_for(petition) == 1


def test_a_failed_send_is_retried_later_with_growing_delays(client, petition, smtp_down):
    smtp_down.failures = 100
    before = timezone.now()
    sign(client, petition)
    run_worker()
    queued = SignatureMail.objects.get()
    assert queued.attempts == 1 and queued.sent_at is None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == queued.next_attempt_at
    assert before + timedelta(seconds=60) <= retry.run_after
    # Not due yet: the worker leaves it alone.
    run_worker()
    assert smtp_down.calls == 1
    assert Signature.objects.get().status == Signature.Status.PENDING

    delays = [signature_mail.retry_delay(n) for n in (1, 2, 3, 4, 20)]
    assert delays == [timedelta(seconds=s) for s in (60, 120, 240, 480)] + [timedelta(hours=6)]


def test_it_gives_up_after_the_last_attempt_and_an_organizer_can_resend(
    client, petition, smtp_down, settings
):
    settings.MAIL_RETRY_SECONDS = 0
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp_down.failures = 100
    sign(client, petition)
    run_worker()
    assert smtp_down.calls == 3
    queued = SignatureMail.objects.get()
    assert queued.gave_up_at and queued.sent_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert Signature.objects.get().status == Signature.Status.PENDING

    smtp_down.failures = 0
    assert signature_resend_confirmation(signature=Signature.objects.get())
    run_worker()
    assert len(mail.outbox) == 1


def test_a_task_that_runs_twice_sends_once(client, petition):
    sign(client, petition)
    store_queued_signatures()
    queued = SignatureMail.objects.get()
    signature_mail.enqueue(queued.pk)
    signature_mail.enqueue(queued.pk)
    run_worker()
    # Three of the mail and the signing attempt's, which finds its work done.
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 4
    assert len(mail.outbox) == 1
    assert signature_mail.deliver(queued.pk) == "nothing to send"
    assert len(mail.outbox) == 1


def test_requeue_sends_mail_whose_task_was_lost_and_only_that(client, petition):
    sign(client, petition)
    run_worker()
    sign(client, petition, email="lost@example.org")
    # As if the process had died between the commit and the enqueue.
    DBTaskResult.objects.filter(status="READY").delete()
    run_worker()
    assert len(mail.outbox) == 1

    sign(client, petition, email="waiting@example.org")  # its task is in the queue

    out = StringIO()
    call_command("requeue_mail", stdout=out)
    assert out.getvalue() == "Queued 1 unsent email(s) and signer request(s).\n"
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lost@example.org",
        "maria@example.org",
        "waiting@example.org",
    ]
    assert signature_mail.requeue_unsent() == 0


def test_requeue_also_answers_signer_requests_whose_task_was_lost(client, petition):
    sign(client, petition)
    run_worker()
    client.post(reverse("signatures:send_again", args=[petition.slug]), {"email": "maria@example.org"})
    DBTaskResult.objects.filter(status="READY").delete()  # lost after its commit
    run_worker()
    assert len(mail.outbox) == 1

    out = StringIO()
    call_command("requeue_mail", stdout=out)
    assert out.getvalue() == "Queued 1 unsent email(s) and signer request(s).\n"
    run_worker()
    assert len(mail.outbox) == 2
    assert not SignerRequest.objects.exists()
    assert signature_mail.requeue_unsent() == 0
