"""The campaign page's map and table of counted signatures per state, and the dashboard's exact one."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from petition.maps import state_map
from tests.support.factories import make_signatures

VT, TX, WY = "05401", "78205", "82001"


@pytest.fixture(autouse=True)
def fresh_figures(settings):
    settings.PLACE_FIGURES_SECONDS = 0


def table_rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">([^<]+)</td></tr>', html))


def test_a_state_below_min_shown_says_fewer_than_never_its_number(client, petition):
    make_signatures(petition, 6, postal_code=TX)
    make_signatures(petition, 3, start=6, postal_code=VT)
    make_signatures(petition, 2, start=9, postal_code=WY)  # two small ones: neither can be worked out
    html = client.get(petition.get_absolute_url()).content.decode()
    assert table_rows(html) == {"Texas": "6", "Vermont": "fewer than 5", "Wyoming": "fewer than 5"}
    map_html = html[html.index('class="state-map"') : html.index("</details>")]
    assert not re.search(r">\s*3\s*<", map_html)
    assert 'role="img"' in map_html and 'aria-labelledby="state-map-title"' in map_html
    assert "<details" in html and "<details open" not in html


def test_the_threshold_is_the_petitions_own(client, make_petition):
    petition = make_petition(min_shown=2)
    make_signatures(petition, 3, postal_code=VT)
    make_signatures(petition, 1, start=3, postal_code=WY)
    make_signatures(petition, 1, start=4, postal_code=TX)
    rows = table_rows(client.get(petition.get_absolute_url()).content.decode())
    assert rows == {"Vermont": "3", "Wyoming": "fewer than 2", "Texas": "fewer than 2"}


def test_pending_and_struck_signatures_are_not_on_the_map(client, make_petition):
    petition = make_petition(requires_confirmation=True, min_shown=1)
    make_signatures(petition, 2, postal_code=VT, confirmed=False)
    make_signatures(petition, 1, start=2, postal_code=WY)
    assert table_rows(client.get(petition.get_absolute_url()).content.decode()) == {"Wyoming": "1"}


def test_no_map_before_anyone_from_a_state_has_signed(client, petition):
    make_signatures(petition, 2, postal_code="SW1A 1AA", country="GB")
    assert 'class="state-map"' not in client.get(petition.get_absolute_url()).content.decode()


def test_the_map_and_table_in_spanish(client, petition):
    make_signatures(petition, 6, postal_code=TX)
    make_signatures(petition, 3, start=6, postal_code=VT)
    make_signatures(petition, 8, start=9, postal_code=WY)
    with translation.override("es"):
        url = petition.get_absolute_url()
    html = client.get(url).content.decode()
    assert url.startswith("/es/")
    assert table_rows(html) == {"Texas": "5 o más, no se muestra", "Vermont": "menos de 5", "Wyoming": "8"}
    assert "Dónde están quienes firmaron" in html
    assert "Las cifras en una tabla" in html


def test_tiles_are_shaded_by_count_with_readable_labels():
    drawn = state_map({"TX": 100, "CA": 5, "VT": None}, min_shown=5)
    tiles = {tile.code: tile for tile in drawn["tiles"]}
    assert len(tiles) == 51
    assert tiles["TX"].fill != tiles["CA"].fill != tiles["VT"].fill != tiles["WY"].fill
    for tile in tiles.values():
        assert contrast(tile.fill, tile.ink) >= 4.5, tile
        assert contrast(tile.fill, "#5b6573") >= 1 and contrast("#ffffff", "#5b6573") >= 3
    assert [key.label for key in drawn["keys"]][:2] == ["none yet", "fewer than 5"]


def test_the_dashboard_map_shows_organizers_the_exact_small_figures(client, petition):
    make_signatures(petition, 3, postal_code=VT)
    client.force_login(User.objects.create_superuser("organizer", "o@example.org", "x" * 16))
    html = client.get(reverse("admin:petition_petition_dashboard", args=[petition.pk])).content.decode()
    assert 'aria-labelledby="dashboard-map-title"' in html
    assert table_rows(html)["Vermont"] == "3"


def contrast(one: str, other: str) -> float:
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_a_state_withheld_so_that_a_small_one_cannot_be_worked_out_says_so(client, petition):
    make_signatures(petition, 2, postal_code=VT)
    make_signatures(petition, 6, start=2, postal_code="78229")
    make_signatures(petition, 9, start=8, postal_code=WY)
    html = client.get(petition.get_absolute_url()).content.decode()
    # The count (17) minus Wyoming's 9 is Texas and Vermont together, not Vermont alone.
    assert table_rows(html) == {"Texas": "5 or more, not shown", "Vermont": "fewer than 5", "Wyoming": "9"}
