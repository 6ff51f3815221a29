import json

from django.conf import settings
from django.urls import reverse

from signatures import services


def test_it_returns_the_count_and_goal_and_nothing_else(client, make_petition, signer_data):
    petition = make_petition(goal=250)
    services.signature_create(petition=petition, **signer_data())
    response = client.get(reverse("petition:count_json", args=[petition.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"count": 1, "goal": 250}


def test_pending_signatures_are_not_in_the_count(client, make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)
    services.signature_create(petition=petition, **signer_data())
    data = client.get(reverse("petition:count_json", args=[petition.slug])).json()
    assert data["count"] == 0


def test_an_unknown_petition_is_404(client, db):
    assert client.get(reverse("petition:count_json", args=["nope"])).status_code == 404


def test_it_may_be_cached_for_a_few_seconds_by_anyone(client, petition):
    response = client.get(reverse("petition:count_json", args=[petition.slug]))
    assert (
        response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.COUNT_MAX_AGE}, must-revalidate"
    )
