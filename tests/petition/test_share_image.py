import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from PIL import Image

from signatures import services
from tests.support.factories import make_signatures


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A private local-memory cache: no shared Redis state from other runs, and clearing it is safe."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "share-image"},
    }


def get_png(client, petition, language="en"):
    with translation.override(language):
        url = reverse("petition:share_png", args=[petition.slug])
    return client.get(url)


def test_it_draws_a_link_preview_png_that_caches_can_keep(client, make_petition):
    cache.clear()
    petition = make_petition(title="Save the river")
    response = get_png(client, petition)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_it_is_drawn_once_and_served_from_the_cache_until_the_petition_changes(
    client, make_petition, signer_data
):
    cache.clear()
    petition = make_petition(title="Save the river")
    first = get_png(client, petition).content
    services.signature_create(petition=petition, **signer_data())
    assert get_png(client, petition).content == first
    petition.title = "Save the river now"
    petition.save()
    assert get_png(client, petition).content != first


def test_each_language_has_its_own_image(client, make_petition):
    cache.clear()
    petition = make_petition(title="Save the river", title_es="Salvemos el río")
    assert get_png(client, petition, "es").content != get_png(client, petition, "en").content


def test_a_hidden_petition_has_no_image(client, make_petition):
    petition = make_petition(status="draft")
    assert get_png(client, petition).status_code == 404


def test_it_shows_no_figure_per_place_so_small_ones_cannot_leak(client, make_petition):
    """The map's threshold holds in the image by its not drawing places at all: three signers
    in Vermont and three spread over three states give the same picture."""

    cache.clear()
    together = make_petition(title="Same words", goal=100)
    spread = make_petition(title="Same words", goal=100)
    make_signatures(together, 3, postal_code="05401")
    for i, postal_code in enumerate(["05401", "82001", "78205"]):
        make_signatures(spread, 1, start=i, postal_code=postal_code)
    assert get_png(client, together).content == get_png(client, spread).content
