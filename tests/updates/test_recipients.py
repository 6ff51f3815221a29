"""Who an update is emailed to: exactly the confirmed signers who opted in and did not opt out."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signatures import services as signature_services
from tests.support.factories import make_signature
from updates import services
from updates.models import Delivery, Suppression, Update, recipients


def queued(update) -> set[str]:
    return set(Delivery.objects.filter(update=update).values_list("signature__email", flat=True))


@pytest.fixture
def organizer(db):
    return get_user_model().objects.create_user("organizer", "organizer@example.org")


def test_only_confirmed_opted_in_signers_who_did_not_opt_out_are_queued(
    make_petition, make_update, supporter, organizer
):
    petition = make_petition(requires_confirmation=True)
    supporter(petition, "yes@example.org")
    supporter(petition, "pending@example.org", confirmed=False)
    make_signature(petition, email="no-opt-in@example.org", opt_in=False)
    struck = supporter(petition, "struck@example.org")
    signature_services.signature_strike(signature=struck, by=organizer, reason="duplicate person")
    supporter(petition, "flagged@example.org", flagged=True, confirmed=False)
    withdrawn = supporter(petition, "withdrawn@example.org")
    signature_services.signature_withdraw(signature=withdrawn)
    unsubscribed = supporter(petition, "unsubscribed@example.org")
    services.unsubscribe(signature=unsubscribed)
    supporter(petition, "Suppressed+tag@Example.org")
    services.suppression_add(email="suppressed@example.org", reason=Suppression.Reason.BOUNCE)
    other_petition = make_petition()
    supporter(other_petition, "elsewhere@example.org")

    update = services.update_publish(update=make_update(petition), email=True)

    assert queued(update) == {"yes@example.org"}
    assert update.recipient_count == 1
    assert update.sending == Update.Sending.SENDING


def test_an_unsubscribe_from_one_campaign_leaves_the_others(make_petition, make_update, supporter):
    first, second = make_petition(), make_petition()
    services.unsubscribe(signature=supporter(first, "both@example.org"))
    supporter(second, "both@example.org")

    assert queued(services.update_publish(update=make_update(first), email=True)) == set()
    assert queued(services.update_publish(update=make_update(second), email=True)) == {"both@example.org"}


def test_a_person_on_two_petitions_gets_each_petitions_update_once(make_petition, make_update, supporter):
    # An update belongs to one petition, so one person is one signature of it:
    # signing two petitions means two campaigns' updates, each once.
    first, second = make_petition(), make_petition()
    supporter(first, "maria@example.org")
    supporter(second, "Maria+news@Example.org")
    update = services.update_publish(update=make_update(first), email=True)
    assert Delivery.objects.filter(update=update).count() == 1


def test_queuing_is_one_statement_and_never_queues_a_recipient_twice(make_petition, make_update, supporter):
    petition = make_petition()
    for n in range(5):
        supporter(petition, f"s{n}@example.org")
    update = make_update(petition)
    with CaptureQueriesContext(connection) as queries:
        inserted = services.queue_recipients(update)
    assert inserted == 5
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(queries.captured_queries) == 1 and len(inserts) == 1
    supporter(petition, "late@example.org")
    assert services.queue_recipients(update) == 1  # only the one not queued yet
    assert Delivery.objects.filter(update=update).count() == 6


def test_an_update_is_emailed_once_however_often_it_is_published(make_petition, make_update, supporter):
    petition = make_petition()
    supporter(petition, "a@example.org")
    update = make_update(petition)
    services.update_publish(update=update, email=False)
    first = services.update_publish(update=update, email=True)
    again = services.update_publish(update=update, email=True)
    assert first.published_at == again.published_at
    assert Delivery.objects.filter(update=update).count() == 1


def test_the_count_shown_before_publishing_is_the_number_queued(make_petition, make_update, supporter):
    petition = make_petition()
    for n in range(3):
        supporter(petition, f"s{n}@example.org")
    make_signature(petition, email="quiet@example.org")
    update = make_update(petition)
    shown = recipients(petition).count()
    assert shown == 3
    assert services.update_publish(update=update, email=True).recipient_count == shown
