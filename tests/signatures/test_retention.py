"""Anonymising signatures a while after their petition closes keeps counts and per-state totals."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from petition.models import Petition
from signatures.counting import count_for, recount
from signatures.models import Signature
from signatures.retention import anonymous_email
from tests.support.factories import make_signature


def sign_some(petition):
    """Three signers with every detail anonymising clears: two in Texas, one in New York."""
    for n, (zip_code, region) in enumerate([("78205", "TX"), ("78206", "TX"), ("10001", "NY")]):
        signature = make_signature(
            petition,
            name=f"Person {n}",
            email=f"P{n}@Example.org",
            postal_code=zip_code,
            comment="Private words",
            public=True,
            ip_hash="a" * 64,
            user_agent_family="Chrome",
            fill_seconds=30,
        )
        Signature.objects.filter(pk=signature.pk).update(region=region, city="Somewhere")


def close(petition, days_ago):
    # Open while signing, then closed in the past (the check constraint wants closes_at > opens_at).
    Petition.objects.filter(pk=petition.pk).update(
        closes_at=timezone.now() - timedelta(days=days_ago),
        opens_at=timezone.now() - timedelta(days=days_ago + 30),
    )


def per_state(petition):
    return dict(
        Signature.objects.filter(petition=petition)
        .counted()
        .values_list("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )


def test_it_erases_personal_data_and_keeps_counts_and_state_totals(make_petition, settings):
    settings.RETENTION_DAYS = 30
    petition = make_petition()
    sign_some(petition)
    before_states = per_state(petition)
    close(petition, days_ago=31)

    call_command("anonymise_closed", stdout=open("/dev/null", "w"))

    rows = Signature.objects.filter(petition=petition)
    assert rows.count() == 3
    for s in rows:
        assert (s.name, s.email, s.postal_code, s.city, s.comment, s.ip_hash) == ("", "", "", "", "", "")
        assert s.public is False and s.fill_seconds is None and s.anonymised_at is not None
        assert s.email_canonical.startswith("anonymised:") and "example" not in s.email_canonical
    assert count_for(petition) == 3
    assert recount(petition) == (3, 3)
    assert per_state(petition) == before_states == {"TX": 2, "NY": 1}


def test_the_hashed_email_still_refuses_a_second_signature_if_the_petition_reopens(make_petition, settings):
    settings.RETENTION_DAYS = 1
    petition = make_petition()
    sign_some(petition)
    close(petition, days_ago=2)
    call_command("anonymise_closed", stdout=open("/dev/null", "w"))
    assert Signature.objects.filter(email_canonical=anonymous_email("p0@example.org")).exists()


def test_it_leaves_open_and_recently_closed_petitions_alone(make_petition, settings):
    settings.RETENTION_DAYS = 30
    still_open, recent = make_petition(), make_petition()
    sign_some(still_open)
    sign_some(recent)
    close(recent, days_ago=29)
    call_command("anonymise_closed", stdout=open("/dev/null", "w"))
    assert not Signature.objects.filter(anonymised_at__isnull=False).exists()
    assert set(Signature.objects.values_list("name", flat=True)) == {"Person 0", "Person 1", "Person 2"}


def test_a_petition_closed_by_status_counts_from_its_last_change(make_petition, settings):
    settings.RETENTION_DAYS = 10
    petition = make_petition()
    sign_some(petition)
    Petition.objects.filter(pk=petition.pk).update(
        status=Petition.Status.CLOSED, updated_at=timezone.now() - timedelta(days=11)
    )
    call_command("anonymise_closed", stdout=open("/dev/null", "w"))
    assert Signature.objects.filter(petition=petition, anonymised_at__isnull=False).count() == 3


@pytest.mark.parametrize("lang, heading", [("en", "Privacy: what we keep about you and why"), ("es", None)])
def test_the_privacy_page_is_linked_from_every_page(client, petition, lang, heading):
    prefix = "/es" if lang == "es" else ""
    page = client.get(f"{prefix}{petition.get_absolute_url().removeprefix('/es')}").content.decode()
    assert f'href="{prefix}/privacy/"' in page
    response = client.get(f"{prefix}/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    if heading:
        assert heading in html
        assert "never receive your email address or ZIP code" in html
        assert "90 days after a petition closes" in html
