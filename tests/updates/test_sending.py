"""Emailing an update: one message per recipient, in their language, with one-click unsubscribe; paced, pausable."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.support.mailtools import RefusingSMTPBackend, html_part
from updates import sending, services
from updates.models import Delivery, Suppression, Update

SPANISH = {"title_es": "Entregamos la petición", "body_es": "Gracias a **todas y todos**."}


@pytest.fixture(autouse=True)
def https_site(settings):
    settings.SITE_URL = "https://petitions.example.org"


def publish(update):
    return services.update_publish(update=update, email=True)


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


def test_each_signer_gets_one_message_addressed_to_them_alone_in_their_language(
    make_petition, make_update, supporter
):
    petition = make_petition()
    supporter(petition, "ana@example.org", language="es")
    supporter(petition, "bob@example.org", language="en")
    update = publish(make_update(petition, **SPANISH))

    assert sending.send_batch(update.pk) == "2 message(s) handled"

    messages = by_recipient()
    assert set(messages) == {"ana@example.org", "bob@example.org"}
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in messages.values())
    assert messages["ana@example.org"].subject == "Entregamos la petición"
    assert "Darte de baja de estas novedades:" in messages["ana@example.org"].body
    assert "Gracias a **todas y todos**." in messages["ana@example.org"].body
    assert "<strong>todas y todos</strong>" in html_part(messages["ana@example.org"])
    assert messages["bob@example.org"].subject == "We delivered the petition"
    assert "<strong>everyone</strong>" in html_part(messages["bob@example.org"])
    assert not Delivery.objects.unsent().exists()
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 2


def test_a_spanish_signer_gets_the_english_text_when_there_is_no_spanish(
    make_petition, make_update, supporter
):
    petition = make_petition()
    supporter(petition, "ana@example.org", language="es")
    sending.send_batch(publish(make_update(petition)).pk)
    (message,) = mail.outbox
    assert message.subject == "We delivered the petition"
    # All of it in English: a Spanish frame around English text would read as a mistake.
    assert "Unsubscribe from these updates:" in message.body


def test_every_message_carries_one_click_unsubscribe_and_a_visible_link(
    make_petition, make_update, supporter
):
    petition = make_petition()
    supporter(petition, "ana@example.org", language="es")
    sending.send_batch(publish(make_update(petition)).pk)
    (message,) = mail.outbox

    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(
        r"<(https://petitions\.example\.org/es/petitions/[^/]+/unsubscribe/[^/]+/)>", header
    ).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert f'href="{url}"' in html_part(message)
    assert "ana@example.org" not in url


def test_a_task_that_runs_twice_sends_once(make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = publish(make_update(petition))
    sending.send_batch(update.pk)
    sending.send_batch(update.pk)
    assert len(mail.outbox) == 1


def test_a_batch_sends_at_most_the_batch_size_and_schedules_the_next_at_the_rate(
    make_petition, make_update, supporter, settings, django_capture_on_commit_callbacks
):
    settings.UPDATE_MAIL_BATCH_SIZE = 2
    settings.UPDATE_MAILS_PER_MINUTE = 60
    petition = make_petition()
    for n in range(5):
        supporter(petition, f"s{n}@example.org")
    update = publish(make_update(petition))
    started = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        sending.send_batch(update.pk)

    assert len(mail.outbox) == 2
    (task,) = DBTaskResult.objects.filter(
        task_path=sending.send_update_batch.module_path, status=TaskResultStatus.READY
    )
    # Two messages at 60 a minute: the next batch waits two seconds from the first.
    assert task.run_after >= started + timedelta(seconds=2)
    assert task.run_after <= timezone.now() + timedelta(seconds=2)


def test_the_last_batch_marks_the_update_sent(make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = publish(make_update(petition))
    sending.send_batch(update.pk)
    update.refresh_from_db()
    assert update.sending == Update.Sending.DONE


def test_pause_stops_sending_resume_goes_on_and_cancel_stops_for_good(
    make_petition, make_update, supporter, settings
):
    settings.UPDATE_MAIL_BATCH_SIZE = 1
    petition = make_petition()
    for n in range(3):
        supporter(petition, f"s{n}@example.org")
    update = publish(make_update(petition))
    sending.send_batch(update.pk)
    assert services.update_pause(update=update)

    sending.send_batch(update.pk)
    assert len(mail.outbox) == 1

    assert services.update_resume(update=update)
    sending.send_batch(update.pk)
    assert len(mail.outbox) == 2

    assert services.update_cancel(update=update)
    assert not services.update_resume(update=update)
    sending.send_batch(update.pk)
    assert len(mail.outbox) == 2
    assert Delivery.objects.filter(update=update).progress() == {"sent": 2, "failed": 0, "remaining": 1}


def test_a_permanent_refusal_suppresses_the_address_and_is_not_retried(
    make_petition, make_update, supporter, settings
):
    settings.MAILERS = {"default": {"BACKEND": "tests.support.mailtools.RefusingSMTPBackend"}}
    RefusingSMTPBackend.refused = {"gone@example.org": (550, b"5.1.1 No such user")}
    petition = make_petition()
    supporter(petition, "gone@example.org")
    supporter(petition, "here@example.org")
    update = publish(make_update(petition))

    sending.send_batch(update.pk)

    assert [m.to for m in mail.outbox] == [["here@example.org"]]
    entry = Suppression.objects.get()
    assert (entry.email_canonical, entry.reason) == ("gone@example.org", Suppression.Reason.REJECTED)
    gone = Delivery.objects.get(signature__email="gone@example.org")
    assert gone.gave_up_at is not None and gone.attempts == 0
    # And the next update never tries it.
    second = publish(make_update(petition, title="Hearing on Thursday"))
    assert set(Delivery.objects.filter(update=second).values_list("signature__email", flat=True)) == {
        "here@example.org"
    }


def test_a_temporary_refusal_is_retried_later(make_petition, make_update, supporter, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.support.mailtools.RefusingSMTPBackend"}}
    RefusingSMTPBackend.refused = {"busy@example.org": (451, b"4.7.1 Try again later")}
    petition = make_petition()
    supporter(petition, "busy@example.org")
    update = publish(make_update(petition))

    sending.send_batch(update.pk)

    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.gave_up_at is None
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()
    assert not Suppression.objects.exists()
    update.refresh_from_db()
    assert update.sending == Update.Sending.SENDING


def test_unsubscribing_after_queuing_stops_the_message(make_petition, make_update, supporter):
    petition = make_petition()
    ana = supporter(petition, "ana@example.org")
    update = publish(make_update(petition))
    services.unsubscribe(signature=ana)
    sending.send_batch(update.pk)
    assert mail.outbox == []
    assert Delivery.objects.get().gave_up_at is not None


def test_requeue_queues_a_batch_for_an_update_left_without_one_and_only_once(
    make_petition, make_update, supporter
):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = publish(make_update(petition))  # its first batch's enqueue ran on a commit this test never makes
    assert sending.requeue_unsent() == 1
    assert sending.requeue_unsent() == 0
    (task,) = DBTaskResult.objects.filter(task_path=sending.send_update_batch.module_path)
    assert task.args_kwargs["args"] == [update.pk]


def test_a_test_send_goes_to_the_organizer_alone(make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = make_update(petition, **SPANISH)
    sending.send_update_test.call(update.pk, "organizer@example.org", "es")
    (message,) = mail.outbox
    assert message.to == ["organizer@example.org"]
    assert message.subject == "[TEST] Entregamos la petición"
    assert not Delivery.objects.exists() and update.published_at is None
