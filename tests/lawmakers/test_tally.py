"""The anonymous count of calls and messages: once per browser per member, rate limited, exact under load."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from lawmakers import services, tallies
from lawmakers.models import CallTally
from tests.support.factories import sign

SANDERS, BALINT, CRUZ = "S000033", "B001318", "C001098"


def report(client, petition, bioguide=SANDERS, action="called", back="thanks"):
    return client.post(
        reverse("lawmakers:report", args=[petition.slug]),
        {"bioguide": bioguide, "action": action, "back": back},
    )


def test_i_called_counts_once_per_browser_per_member_and_action(client, petition, congress):
    sign(client, petition, postal_code="05401")
    first = report(client, petition)
    assert first.status_code == 302
    assert first["Location"] == f"/petitions/{petition.slug}/thanks/#member-{SANDERS}"
    report(client, petition)  # the same browser again: not counted
    report(client, petition, action="wrote")
    report(client, petition, bioguide=BALINT, back="call")
    assert tallies.for_petition(petition) == {SANDERS: (1, 1), BALINT: (1, 0)}
    html = client.get(reverse("signatures:thanks", args=[petition.slug])).content.decode()
    assert html.count("Thank you: your call is counted.") == 2
    assert "Thank you: your message is counted." in html


def test_the_tally_has_no_link_to_the_signer(client, petition, congress):
    sign(client, petition, postal_code="05401")
    report(client, petition)
    assert [f.name for f in CallTally._meta.concrete_fields] == [
        "id",
        "petition",
        "bioguide",
        "called",
        "wrote",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"bioguide": CRUZ, "action": "called", "back": "thanks"},  # not one of this visitor's members
        {"bioguide": SANDERS, "action": "voted", "back": "thanks"},
        {"bioguide": SANDERS, "action": "called", "back": "//evil.example"},
        {"bioguide": "S000033' OR 1=1", "action": "called", "back": "thanks"},
        {},
    ],
)
def test_a_forged_report_gets_a_clear_page_and_counts_nothing(client, petition, congress, data):
    sign(client, petition, postal_code="05401")
    response = client.post(reverse("lawmakers:report", args=[petition.slug]), data)
    assert response.status_code == 400
    assert "could not be counted" in response.content.decode()
    assert not CallTally.objects.exists() and not response.cookies


def test_without_a_zip_nothing_can_be_reported(client, petition, congress):
    assert report(client, petition).status_code == 400
    assert not CallTally.objects.exists()


def test_reports_are_rate_limited_per_connection(client, petition, congress, settings):
    settings.CALL_REPORTS_HOURLY_LIMIT = 2
    sign(client, petition, postal_code="05401")
    report(client, petition)
    report(client, petition, bioguide=BALINT)
    refused = report(client, petition, action="wrote")
    assert refused.status_code == 429
    assert tallies.for_petition(petition) == {SANDERS: (1, 0), BALINT: (1, 0)}


def test_the_page_shows_a_count_only_from_a_few_reports_on(client, petition, congress):
    sign(client, petition, postal_code="05401")
    for _ in range(tallies.SHOWN_FROM - 1):
        services.tally_record(petition=petition, bioguide=SANDERS, action="called")
    html = client.get(reverse("signatures:thanks", args=[petition.slug])).content.decode()
    assert "supporters have called Senator Bernard Sanders" not in html
    services.tally_record(petition=petition, bioguide=SANDERS, action="called")
    html = client.get(reverse("signatures:thanks", args=[petition.slug])).content.decode()
    assert f"{tallies.SHOWN_FROM} supporters have called Senator Bernard Sanders." in html
    public = type(client)().get(reverse("petition:call", args=[petition.slug])).content.decode()
    assert f"{tallies.SHOWN_FROM} supporters have called Senator Bernard Sanders." in public


@pytest.mark.django_db(transaction=True)
def test_concurrent_presses_are_counted_exactly(make_petition):
    petition = make_petition()
    threads, per_thread = 10, 20
    start = threading.Barrier(threads)
    errors = []

    def press():
        try:
            start.wait()
            for n in range(per_thread):
                services.tally_record(
                    petition=petition, bioguide=SANDERS, action="called" if n % 2 else "wrote"
                )
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=press) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert tallies.for_petition(petition) == {SANDERS: (threads * per_thread // 2, threads * per_thread // 2)}
