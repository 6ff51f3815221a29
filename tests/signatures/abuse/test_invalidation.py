"""Invalidation by criteria: preview, strike in a background task, undo; counts stay exact."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from signatures import services
from signatures.abuse.invalidation import (
    invalidation_create,
    invalidation_undo,
    matching,
)
from signatures.counting import count_for, recount
from signatures.models import AllowListEntry, InvalidationBatch, Signature
from tests.support.factories import make_signature

BAD = "b" * 64
GOOD = "g" * 64


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def organizer(db):
    return User.objects.create_superuser("org", "org@example.org", None)


def signed(petition, n, ip_hash, domain="example.org", **fields):
    """n signatures sent from one address (by its hash), their emails at domain."""
    return [
        make_signature(
            petition, name=f"N{n}-{i}", email=f"n{n}-{i}-{ip_hash[0]}@{domain}", ip_hash=ip_hash, **fields
        )
        for i in range(n)
    ]


def test_it_strikes_exactly_the_matching_signatures_and_undo_restores_them(
    make_petition, organizer, django_capture_on_commit_callbacks
):
    petition = make_petition()
    bad = signed(petition, 4, BAD)
    signed(petition, 3, GOOD)
    flagged = signed(petition, 1, BAD, domain="bots.example", flagged=True)[0]
    assert count_for(petition) == 7
    assert matching(petition=petition, ip_hash=BAD).count() == 4  # the flagged one is left alone

    with django_capture_on_commit_callbacks(execute=True):
        batch = invalidation_create(
            petition=petition, by=organizer, reason="One machine", previewed_count=4, ip_hash=BAD
        )
    batch.refresh_from_db()
    assert batch.state == InvalidationBatch.State.DONE and batch.struck_count == 4
    assert set(Signature.objects.filter(status="struck").values_list("pk", flat=True)) == {s.pk for s in bad}
    assert count_for(petition) == 3 and recount(petition) == (3, 3)
    assert Signature.objects.get(pk=bad[0].pk).status_changed_by == organizer

    # One of them is struck again later for another reason: undo leaves it struck.
    services.signature_restore(signature=bad[0], by=organizer, reason="checked")
    services.signature_strike(signature=bad[0], by=organizer, reason="Fake name")
    with django_capture_on_commit_callbacks(execute=True):
        invalidation_undo(batch=batch, by=organizer)
    batch.refresh_from_db()
    assert batch.state == InvalidationBatch.State.UNDONE and batch.restored_count == 3
    assert count_for(petition) == 6 and recount(petition) == (6, 6)
    assert Signature.objects.get(pk=bad[0].pk).status == "struck"
    assert Signature.objects.get(pk=flagged.pk).status == "flagged"


def test_undo_puts_pending_signatures_back_to_pending(
    make_petition, organizer, django_capture_on_commit_callbacks
):
    petition = make_petition(requires_confirmation=True)
    signed(petition, 2, BAD, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        batch = invalidation_create(
            petition=petition, by=organizer, reason="x", previewed_count=2, ip_hash=BAD
        )
    with django_capture_on_commit_callbacks(execute=True):
        invalidation_undo(batch=InvalidationBatch.objects.get(pk=batch.pk), by=organizer)
    assert list(Signature.objects.values_list("status", flat=True)) == ["pending", "pending"]
    assert count_for(petition) == 0


def test_criteria_combine_domain_and_time_range(make_petition):
    petition = make_petition()
    old = signed(petition, 2, BAD, domain="mailinator.com")
    Signature.objects.filter(pk__in=[s.pk for s in old]).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    signed(petition, 3, GOOD, domain="mailinator.com")
    signed(petition, 1, GOOD)
    since = timezone.now() - timedelta(hours=1)
    assert matching(petition=petition, email_domain="MAILINATOR.com", signed_from=since).count() == 3
    assert matching(petition=petition, signed_until=since).count() == 2


def test_admin_previews_the_count_then_queues_the_batch(
    client, make_petition, organizer, django_capture_on_commit_callbacks
):
    petition = make_petition()
    signed(petition, 3, BAD)
    signed(petition, 2, GOOD)
    client.force_login(organizer)
    url = reverse("admin:signatures_invalidationbatch_add")
    data = {"petition": petition.pk, "ip_hash": BAD, "reason": "Burst from one address"}
    preview = client.post(url, {**data, "preview": "1"})
    assert "3 signatures match." in preview.content.decode()
    assert Signature.objects.filter(status="struck").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    assert Signature.objects.filter(status="struck").count() == 3
    assert count_for(petition) == 2


def test_admin_refuses_an_invalidation_with_no_criterion(client, petition, organizer):
    client.force_login(organizer)
    response = client.post(
        reverse("admin:signatures_invalidationbatch_add"),
        {"petition": petition.pk, "reason": "everything", "confirm": "1"},
    )
    assert "Choose at least one criterion" in response.content.decode()
    assert not InvalidationBatch.objects.exists()


def test_the_activity_view_lists_busy_ip_hashes_and_disposable_domains(client, make_petition, organizer):
    petition = make_petition()
    signed(petition, 12, BAD, domain="mailinator.com")
    signed(petition, 2, GOOD)
    client.force_login(organizer)
    html = client.get(
        reverse("admin:signatures_invalidationbatch_activity") + "?threshold=10"
    ).content.decode()
    assert f'title="{BAD}"' in html and GOOD not in html
    assert "mailinator.com <strong>(disposable)</strong>" in html
    assert "ip_hash=" + BAD in html


def test_organizers_add_an_allow_list_entry_in_admin(client, organizer):
    client.force_login(organizer)
    response = client.post(
        reverse("admin:signatures_allowlistentry_add"),
        {
            "network": "203.0.113.9/24",
            "expires_at_0": "2030-01-01",
            "expires_at_1": "18:00",
            "note": "Rally at the community centre",
        },
    )
    assert response.status_code == 302, response.content.decode()
    entry = AllowListEntry.objects.get()
    assert entry.network == "203.0.113.0/24" and entry.created_by == organizer
    assert client.get(reverse("admin:signatures_allowlistentry_changelist")).status_code == 200
    assert (
        "Unusual activity"
        in client.get(reverse("admin:signatures_invalidationbatch_changelist")).content.decode()
    )


def test_an_allow_list_entry_must_be_an_address_or_network(client, organizer):
    client.force_login(organizer)
    response = client.post(
        reverse("admin:signatures_allowlistentry_add"),
        {
            "network": "the community centre",
            "expires_at_0": "2030-01-01",
            "expires_at_1": "18:00",
            "note": "x",
        },
    )
    assert response.status_code == 200
    assert "Enter an IP address like" in response.content.decode()


def test_organizers_undo_a_batch_from_the_admin_list(
    client, make_petition, organizer, django_capture_on_commit_callbacks
):
    petition = make_petition()
    signed(petition, 2, BAD)
    with django_capture_on_commit_callbacks(execute=True):
        batch = invalidation_create(
            petition=petition, by=organizer, reason="x", previewed_count=2, ip_hash=BAD
        )
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:signatures_invalidationbatch_changelist"),
            {"action": "undo", "_selected_action": [batch.pk]},
        )
    assert response.status_code == 302
    assert InvalidationBatch.objects.get(pk=batch.pk).undone_by == organizer
    assert count_for(petition) == 2


# The real db_worker closes the connection between tasks (close_old_connections): it
# reads only committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_queued_invalidation(make_petition, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    organizer = User.objects.create_superuser("org2", "org2@example.org", None)
    petition = make_petition()
    signed(petition, 3, BAD)
    invalidation_create(petition=petition, by=organizer, reason="Worker", previewed_count=3, ip_hash=BAD)
    assert count_for(petition) == 3  # queued, not yet run
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert count_for(petition) == 0
    assert InvalidationBatch.objects.get().struck_count == 3
