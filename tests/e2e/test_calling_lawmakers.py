"""A signer calls their members of Congress from a phone: the thank-you page, the call page, in both languages."""

import pytest
from playwright.sync_api import expect

from lawmakers import tallies
from tests.e2e.pages import assert_accessible, screenshot, sign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("congress")]

SMALL_PHONE = {"viewport": {"width": 320, "height": 640}}


def test_rosa_signs_from_vermont_and_reports_her_call(phone, make_petition):
    petition = make_petition(
        title="Fund family case management",
        call_script="Hello, I live in {city}. I ask {lawmaker} to support “{petition}”.",
    )
    page = phone(**SMALL_PHONE)
    page.goto(petition.get_absolute_url())
    sign(page, name="Rosa Díaz", email_address="rosa@example.org", postal_code="05401")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    for name, tel in [
        ("Senator Bernard Sanders", "tel:+12022245141"),
        ("Senator Peter Welch", "tel:+12022244242"),
        ("Representative Becca Balint", "tel:+12022254115"),
    ]:
        card = page.locator(".member", has=page.get_by_role("heading", name=name))
        expect(card.get_by_role("link", name="Call 202-")).to_have_attribute("href", tel)
    expect(page.get_by_text("Hello, I live in Burlington. I ask Senator Bernard Sanders")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "lawmakers-thanks-320")
    assert_accessible(page, "thank-you page with members of Congress")

    page.get_by_role("button", name="I called Senator Bernard Sanders").click()
    expect(page.locator("#member-S000033")).to_contain_text("Thank you: your call is counted.")
    page.get_by_role("button", name="I called Senator Bernard Sanders").is_hidden()
    assert tallies.for_petition(petition) == {"S000033": (1, 0)}
    assert "05401" not in page.url

    # The call page of their own, from the campaign page's link.
    page.goto(petition.get_absolute_url())
    page.get_by_role("link", name="Call your members of Congress").click()
    expect(page.get_by_role("heading", name="Representative Becca Balint")).to_be_visible()
    expect(page.locator("#member-S000033")).to_contain_text("Thank you: your call is counted.")
    screenshot(page, "lawmakers-call-page-signer")
    assert_accessible(page, "call page of a signer")


def test_a_visitor_types_a_split_zip_on_the_spanish_call_page(phone, make_petition):
    petition = make_petition(title="Fund it", title_es="Finánciela")
    page = phone()
    page.goto(f"/es/petitions/{petition.slug}/call/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Llama a tus miembros del Congreso")
    screenshot(page, "lawmakers-call-page-es")
    assert_accessible(page, "Spanish call page")
    page.get_by_label("Tu código postal (ZIP)").fill("7820")
    page.get_by_role("button", name="Mostrar mis miembros del Congreso").click()
    expect(page.locator("#id_zip_error")).to_contain_text("5 dígitos")
    assert_accessible(page, "Spanish call page with an error")
    page.get_by_label("Tu código postal (ZIP)").fill("78201")
    page.get_by_role("button", name="Mostrar mis miembros del Congreso").click()
    expect(page.get_by_text("Tu código postal está dividido entre varios distritos")).to_be_visible()
    for name in [
        "Senador(a) Ted Cruz",
        "Senador(a) John Cornyn",
        "Representante Joaquin Castro",
        "Representante Greg Casar",
    ]:
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert "78201" not in page.url
    screenshot(page, "lawmakers-call-page-es-split")
    assert_accessible(page, "Spanish call page with a split ZIP")
