"""The map of where signers are and the petitions index, on a 320 px phone, in English and Spanish."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import look_at
from tests.support.factories import make_signatures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_map_and_its_table_on_a_320px_phone(phone, make_petition, language):
    petition = make_petition(title="Keep the clinic open", title_es="Que la clínica siga abierta", goal=100)
    make_signatures(petition, 12, postal_code="78205")
    make_signatures(petition, 6, start=12, postal_code="94110")
    make_signatures(petition, 2, start=18, postal_code="05401")
    prefix = "/es" if language == "es" else ""
    page = phone(viewport={"width": 320, "height": 800}, locale="es-US" if language == "es" else "en-US")
    page.goto(f"{prefix}/petitions/{petition.slug}/")
    svg = page.locator("svg.state-map-svg")
    expect(svg).to_have_attribute("role", "img")
    table = page.locator(".map-table table")
    expect(table).to_be_hidden()
    page.locator(".map-table summary").click()
    expect(table).to_be_visible()
    fewer = "menos de 5" if language == "es" else "fewer than 5"
    expect(table.locator("tr", has_text="Vermont")).to_contain_text(fewer)
    expect(table.locator("tr", has_text="Texas")).to_contain_text("12")
    page.locator(".where").scroll_into_view_if_needed()
    look_at(page, f"map-320-{language}")
    assert not re.search(r"Vermont\D*2\b", page.locator(".where").inner_text())


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_petitions_index_on_a_320px_phone(phone, make_petition, language):
    make_petition(title="Keep the clinic open", title_es="Que la clínica siga abierta", goal=100)
    make_petition(title="Fix the bridge", title_es="Arreglen el puente", status="closed")
    prefix = "/es" if language == "es" else ""
    page = phone(viewport={"width": 320, "height": 800})
    page.goto(f"{prefix}/petitions/")
    expect(page.locator(".petition-list")).to_contain_text("clínica" if language == "es" else "clinic")
    look_at(page, f"index-320-{language}")
    page.locator("main p a").last.click()
    expect(page.locator(".petition-list")).to_contain_text("puente" if language == "es" else "bridge")
    look_at(page, f"closed-320-{language}")
