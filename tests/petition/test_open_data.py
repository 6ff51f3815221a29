"""GET /petitions/<slug>/data.json: the count and the public figures per state and district."""

import datetime
import json

import pytest
from django.conf import settings
from django.urls import reverse

from places.models import ZipDistrict
from signatures.place_figures import WITHHELD, PlaceFigures
from tests.support.factories import make_signatures

VT, TX, WY = "05401", "78205", "82001"


@pytest.fixture(autouse=True)
def fresh_figures(settings):
    settings.PLACE_FIGURES_SECONDS = 0


@pytest.fixture
def districts(db):
    # These ZIPs' rows as this test needs them, whatever the shipped table says.
    ZipDistrict.objects.filter(zcta__in=[VT, TX, WY]).delete()
    ZipDistrict.objects.bulk_create(
        [ZipDistrict(zcta=VT, district="VT-AL"), ZipDistrict(zcta=TX, district="TX-20")]
        # A ZIP in two districts: its signers count for the state, not for a district.
        + [ZipDistrict(zcta=WY, district="WY-AL"), ZipDistrict(zcta=WY, district="WY-XX")]
    )


def data(client, petition):
    response = client.get(reverse("petition:data_json", args=[petition.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_it_says_how_many_signed_where_and_hides_small_figures(client, make_petition, districts):
    petition = make_petition(goal=500)
    make_signatures(petition, 6, postal_code=TX)
    make_signatures(petition, 3, start=6, postal_code=VT)
    make_signatures(petition, 7, start=9, postal_code=WY)
    make_signatures(petition, 2, start=16, postal_code="SW1A 1AA", country="GB")
    body = data(client, petition)
    updated = datetime.datetime.fromisoformat(body.pop("updated"))
    assert updated.tzinfo is not None
    assert abs((datetime.datetime.now(datetime.UTC) - updated).total_seconds()) < 60
    assert body == {
        "count": 18,
        "goal": 500,
        "min_shown": 5,
        # VT alone below the threshold would be the count minus the others:
        # the next smallest state, TX, is withheld with it.
        "states": {"TX": None, "VT": None, "WY": 7},
        "districts": {"TX-20": 6, "VT-AL": None},
    }


def test_no_small_figure_can_be_worked_out_by_subtraction():
    figures = PlaceFigures(
        0.0,
        {"CA": 40, "TX": 9, "VT": 2, "WY": 30},
        {"TX-20": 6, "TX-35": 2, "TX-07": 1, "CA-12": 38, "CA-11": 3, "VT-AL": 2},
    ).shown(5)
    # The count is public: VT alone hidden would be the count minus the rest.
    assert figures.states == {"CA": 40, "TX": WITHHELD, "VT": None, "WY": 30}
    # A state's figure is public: CA-11 alone hidden would be CA minus CA-12.
    # Two small ones (TX-35, TX-07) hide each other; a district alone in its state is only its own.
    assert figures.districts == {
        "CA-11": None,
        "CA-12": WITHHELD,
        "TX-07": None,
        "TX-20": 6,
        "TX-35": None,
        "VT-AL": None,
    }


def test_it_carries_nothing_personal(client, petition, districts):
    make_signatures(petition, 6, postal_code=TX, comment="Private words", public=True)
    raw = client.get(reverse("petition:data_json", args=[petition.slug])).content.decode()
    for personal in ("example.org", "Signer", "78205", "San Antonio", "Private words", "ip"):
        assert personal not in raw


def test_only_places_with_a_counted_signature_are_listed(client, make_petition, districts):
    petition = make_petition(requires_confirmation=True)
    make_signatures(petition, 2, postal_code=VT, confirmed=False)
    body = data(client, petition)
    assert (body["count"], body["states"], body["districts"]) == (0, {}, {})


def test_the_threshold_is_the_petitions_own(client, make_petition, districts):
    petition = make_petition(min_shown=3)
    make_signatures(petition, 3, postal_code=VT)
    assert data(client, petition)["states"] == {"VT": 3}
    assert data(client, petition)["min_shown"] == 3


def test_it_may_be_cached_by_anyone_and_revalidated(client, petition):
    url = reverse("petition:data_json", args=[petition.slug])
    response = client.get(url)
    assert (
        response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.COUNT_MAX_AGE}, must-revalidate"
    )
    assert not response.cookies
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_a_draft_or_unknown_petition_is_404(client, make_petition):
    draft = make_petition(status="draft")
    assert client.get(reverse("petition:data_json", args=[draft.slug])).status_code == 404
    assert client.get(reverse("petition:data_json", args=["nope"])).status_code == 404


def test_figures_are_recomputed_at_most_once_per_window(client, petition, settings):
    settings.PLACE_FIGURES_SECONDS = 3600
    settings.MICROCACHE_SECONDS = 0
    make_signatures(petition, 5, postal_code=VT)
    assert data(client, petition)["states"] == {"VT": 5}
    make_signatures(petition, 1, start=5, postal_code=VT)
    body = data(client, petition)
    # The count is exact at once; the figures per place wait for the window to pass.
    assert (body["count"], body["states"]) == (6, {"VT": 5})
