"""Organizers in admin: write, preview, test, publish with the count first, follow and pause the sending."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from updates import sending, services
from updates.models import Delivery, Suppression, Update


@pytest.fixture
def organizer(db):
    user = get_user_model().objects.create_user("org", "org@example.org", "pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="updates").exclude(codename__startswith="delete")
    )
    return user


@pytest.fixture
def admin_client(client, organizer):
    client.force_login(organizer)
    return client


def url(name, update):
    return reverse(f"admin:updates_update_{name}", args=[update.pk])


def test_previews_show_the_page_and_the_email_in_both_languages(admin_client, make_petition, make_update):
    update = make_update(make_petition(), title="We delivered", title_es="Entregamos", body_es="Gracias.")
    assert "We delivered" in admin_client.get(url("preview", update)).content.decode()
    assert "Entregamos" in admin_client.get(url("preview", update) + "?lang=es").content.decode()
    email = admin_client.get(url("preview_email", update) + "?lang=es").content.decode()
    assert "Entregamos" in email and "Gracias." in email
    assert "Gracias." in admin_client.get(url("email_html", update) + "?lang=es").content.decode()
    assert mail.outbox == [] and update.published_at is None


def test_a_test_goes_to_the_organizers_own_address_through_the_worker(
    admin_client, make_petition, make_update, supporter
):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = make_update(petition)
    response = admin_client.post(url("test", update), {"lang": "en"})
    assert response.status_code == 302
    (task,) = DBTaskResult.objects.filter(task_path=sending.send_update_test.module_path)
    assert task.args_kwargs["args"] == [update.pk, "org@example.org", "en"]
    assert not Delivery.objects.exists()


def test_publishing_shows_the_number_of_recipients_before_the_final_confirmation(
    admin_client, make_petition, make_update, supporter
):
    petition = make_petition()
    for n in range(3):
        supporter(petition, f"s{n}@example.org")
    update = make_update(petition)

    page = admin_client.get(url("publish", update))
    assert "Publish and email 3 supporters" in page.content.decode()
    update.refresh_from_db()
    assert update.published_at is None and not Delivery.objects.exists()

    response = admin_client.post(url("publish", update), {"email": "1"})
    assert response["Location"] == url("progress", update)
    update.refresh_from_db()
    assert update.published_at and update.sending == Update.Sending.SENDING and update.recipient_count == 3
    assert update.emailed_by.username == "org"


def test_publishing_on_the_page_only_emails_nobody(admin_client, make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "ana@example.org")
    update = make_update(petition)
    admin_client.post(url("publish", update), {"email": "0"})
    update.refresh_from_db()
    assert update.published_at and update.sending == Update.Sending.NOT_EMAILED
    assert not Delivery.objects.exists()


def test_the_progress_page_counts_and_pauses_and_cancels(
    admin_client, make_petition, make_update, supporter, settings
):
    settings.UPDATE_MAIL_BATCH_SIZE = 1
    petition = make_petition()
    for n in range(3):
        supporter(petition, f"s{n}@example.org")
    update = services.update_publish(update=make_update(petition), email=True)
    sending.send_batch(update.pk)

    page = admin_client.get(url("progress", update)).content.decode()
    assert '<td class="progress-sent">1</td>' in page and '<td class="progress-remaining">2</td>' in page

    admin_client.post(url("sending", update), {"action": "pause"})
    update.refresh_from_db()
    assert update.sending == Update.Sending.PAUSED
    admin_client.post(url("sending", update), {"action": "cancel"})
    update.refresh_from_db()
    assert update.sending == Update.Sending.CANCELLED


def test_an_organizer_without_change_permission_cannot_publish(client, make_petition, make_update, db):
    viewer = get_user_model().objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_update"))
    client.force_login(viewer)
    update = make_update(make_petition())
    assert client.post(url("publish", update), {"email": "1"}).status_code == 403
    update.refresh_from_db()
    assert update.published_at is None


def test_suppressed_addresses_are_shown_only_with_the_signer_details_permission(admin_client, organizer, db):
    services.suppression_add(email="hidden@example.org", reason=Suppression.Reason.COMPLAINT)
    changelist = reverse("admin:updates_suppression_changelist")
    assert "hidden@example.org" not in admin_client.get(changelist).content.decode()
    assert "hidden@example.org" not in admin_client.get(changelist + "?q=hidden").content.decode()
    organizer.user_permissions.add(Permission.objects.get(codename="view_signer_details"))
    assert "hidden@example.org" in admin_client.get(changelist).content.decode()


def test_an_organizer_adds_an_address_and_a_repeat_is_answered_alike(admin_client, db):
    add = reverse("admin:updates_suppression_add")
    first = admin_client.post(add, {"email": "Bounce+x@Example.org", "reason": "bounce", "note": ""})
    second = admin_client.post(add, {"email": "bounce@example.org", "reason": "bounce", "note": ""})
    assert first.status_code == second.status_code == 302
    assert list(Suppression.objects.values_list("email_canonical", flat=True)) == ["bounce@example.org"]
    bad = admin_client.post(add, {"email": "not an address", "reason": "bounce"})
    assert bad.status_code == 200 and Suppression.objects.count() == 1
