"""Organizers: the call step's settings in the petition admin, the data's date, the counts on the dashboard."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from lawmakers import services
from lawmakers.models import Legislator


@pytest.fixture
def boss(db, client):
    client.force_login(User.objects.create_superuser("boss", password=None))


def test_an_unknown_placeholder_is_refused_with_a_clear_message(petition):
    petition.call_script = "Hello {lawmaker}, I live in {town} near {zip}."
    with pytest.raises(ValidationError) as refused:
        petition.full_clean()
    message = " ".join(refused.value.message_dict["call_script"])
    assert "Unknown placeholder(s): {town}, {zip}." in message and "{lawmaker}, {city}" in message


def test_the_petition_admin_refuses_it_too_and_saves_nothing(client, boss, petition):
    url = reverse("admin:petition_petition_change", args=[petition.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data |= {"call_script_es": "Hola {legislador}", "opens_at_0": "", "closes_at_0": ""}
    response = client.post(url, {k: v for k, v in data.items() if not isinstance(v, bool) or v})
    assert response.status_code == 200
    assert "Unknown placeholder(s): {legislador}" in response.content.decode()
    petition.refresh_from_db()
    assert petition.call_script_es == ""


def test_the_admin_shows_the_data_date_and_warns_once_a_term_has_ended(client, boss, congress, petition):
    url = reverse("admin:petition_petition_change", args=[petition.pk])
    Legislator.objects.update(term_end=datetime.date(2099, 1, 3))
    page = client.get(url).content.decode()
    assert "Members of Congress as of June 15, 2026" in page or "Members of Congress as of 2026-06-15" in page
    assert "has ended" not in page
    Legislator.objects.filter(bioguide="S000033").update(term_end=datetime.date(2020, 1, 3))
    page = client.get(url).content.decode()
    assert "1 member(s) have a term that has ended" in page
    listing = client.get(reverse("admin:lawmakers_legislator_changelist")).content.decode()
    assert "1 member(s) have a term that has ended" in listing


def test_the_dashboard_shows_the_reports_per_member(client, boss, congress, petition, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lawmakers"},
    }
    for action in ["called", "called", "wrote"]:
        services.tally_record(petition=petition, bioguide="S000033", action=action)
    services.tally_record(petition=petition, bioguide="B001318", action="wrote")
    response = client.get(reverse("admin:petition_petition_dashboard", args=[petition.pk]))
    assert [(r["name"], r["seat"], r["called"], r["wrote"]) for r in response.context["member_reports"]] == [
        ("Bernard Sanders", "VT", 2, 1),
        ("Becca Balint", "VT-AL", 0, 1),
    ]
    assert "Calls and messages supporters reported" in response.content.decode()
