"""The campaign page and count.json are the same for everyone, so browsers and CDNs can share them."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from signatures import services
from signatures.models import Signature


def test_the_campaign_page_sets_no_cookie_and_is_publicly_cacheable(client, petition):
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"
    assert response["ETag"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in response.content


def test_a_reload_with_the_same_etag_gets_304(client, petition, settings):
    # The page carries the bot trap's timestamp, which changes every second;
    # the process keeps the page for MICROCACHE_SECONDS (1 s in production),
    # so a reload within that window is the same body. Kept longer here, so
    # that the two requests never fall on either side of a second.
    settings.MICROCACHE_SECONDS = 60
    etag = client.get(petition.get_absolute_url())["ETag"]
    response = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"


def test_a_new_signature_changes_the_etag(client, petition, signer_data):
    url = reverse("petition:count_json", args=[petition.slug])
    before = client.get(url)
    services.signature_create(petition=petition, **signer_data())
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 1
    assert after["ETag"] != before["ETag"]
    assert after["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"


def test_each_process_reuses_a_rendered_count_for_its_microcache_lifetime(
    client, settings, petition, signer_data
):
    settings.MICROCACHE_SECONDS = 60
    caches["fragments"].clear()
    url = reverse("petition:count_json", args=[petition.slug])
    try:
        assert client.get(url).json()["count"] == 0
        services.signature_create(petition=petition, **signer_data())
        assert client.get(url).json()["count"] == 0
        caches["fragments"].clear()  # what the lifetime running out does
        assert client.get(url).json()["count"] == 1
    finally:
        caches["fragments"].clear()


def test_an_error_page_is_not_cached(client, db):
    response = client.get(reverse("petition:detail", args=["no-such-petition"]))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


FORM = {"name": "Ana Pérez", "email": "ana@example.org", "postal_code": "78205", "country": "US"}


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
])
def test_it_refuses_a_form_posted_from_another_site(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
    {"HTTP_ORIGIN": "http://testserver"},
    {},  # no browser sent it, so no visitor's browser was made to
])
def test_it_takes_a_form_posted_from_its_own_page_without_a_token(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 302
    assert Signature.objects.get().email == "ana@example.org"
