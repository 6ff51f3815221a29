"""Organizers resend confirmations (capped) and confirm by hand with a reason."""

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from signatures import services
from signatures.counting import count_for
from signatures.models import Signature
from tests.support.factories import make_signature
from tests.support.mailtools import run_worker

# run_worker sees only committed rows (its docstring says why); the tests that do not run
# it are marked plain django_db.
pytestmark = pytest.mark.django_db(transaction=True)
CHANGELIST = reverse("admin:signatures_signature_changelist")


@pytest.fixture
def organizer(client, django_user_model):
    user = django_user_model.objects.create_superuser("organizer", "org@example.org", "a-long-password-1")
    client.force_login(user)
    return user


@pytest.fixture
def petition(make_petition):
    return make_petition(requires_confirmation=True)


def act(client, action, signatures, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [s.pk for s in signatures], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_resend_confirmation_sends_to_pending_ones_only_and_respects_the_daily_cap(
    client, organizer, petition
):
    pending = make_signature(petition, email="pending@example.org", confirmed=False)
    confirmed = make_signature(petition, email="confirmed@example.org")
    run_worker()
    mail.outbox.clear()

    response = act(client, "resend_confirmation", [pending, confirmed])
    page = response.content.decode()
    assert "Confirmation email queued for 1 signature." in page
    assert "1 skipped" in page
    run_worker()
    assert [m.to for m in mail.outbox] == [["pending@example.org"]]

    for _ in range(3):
        act(client, "resend_confirmation", [pending])
    run_worker()
    assert len(mail.outbox) == 3  # the cap of three repeats a day


@pytest.mark.django_db
def test_confirm_by_hand_asks_for_a_reason_first(client, organizer, petition):
    signature = make_signature(petition, email="wrote-in@example.org", confirmed=False)
    page = act(client, "confirm_by_hand", [signature])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Why are you confirming by hand?" in html
    assert f'value="{signature.pk}"' in html
    assert Signature.objects.get().status == Signature.Status.PENDING

    empty = act(client, "confirm_by_hand", [signature], reason="   ")
    assert "This field is required." in empty.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


@pytest.mark.django_db
def test_confirm_by_hand_counts_it_and_records_who_and_why(client, organizer, petition):
    signature = make_signature(petition, email="wrote-in@example.org", confirmed=False)
    struck = make_signature(petition, email="struck@example.org", confirmed=False)
    services.signature_strike(signature=struck, by=organizer, reason="Duplicate person")
    response = act(client, "confirm_by_hand", [signature, struck], reason="Wrote in; the email never arrived")
    assert "1 signature confirmed." in response.content.decode()
    assert "Only a pending signature can be confirmed." in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.status_changed_by == organizer
    assert signature.status_reason == "Wrote in; the email never arrived"
    assert Signature.objects.get(pk=struck.pk).status == Signature.Status.STRUCK
    assert count_for(petition) == 1


def test_organizers_can_see_what_was_sent_and_what_failed(client, organizer, petition):
    make_signature(petition, email="ana@example.org", confirmed=False)
    run_worker()
    response = client.get(reverse("admin:signatures_signaturemail_changelist") + "?q=ana@example.org")
    assert response.status_code == 200
    assert "Confirm your signature" in response.content.decode()
