"""People sign on a phone, in English and in Spanish, as they would from a shared link."""

import re

import pytest
from playwright.sync_api import expect

from signatures.models import Signature
from tests.e2e.pages import assert_accessible, screenshot, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_ana_fixes_her_mistakes_signs_in_english_and_is_led_to_act(phone, make_petition, congress):
    petition = make_petition(
        title="Fund family case management",
        goal=10,
        donate_url="https://donate.example.org/",
        volunteer_url="https://volunteer.example.org/",
    )
    page = phone()
    page.goto(petition.get_absolute_url() + "?src=wa")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".progress-text")).to_have_text("0 have signed. Let’s get to 10!")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "campaign-en-phone")
    assert_accessible(page, "campaign page")

    page.get_by_label("Full name").fill("Ana López")
    page.get_by_label("Email").fill("ana@")
    page.get_by_label("ZIP/postal code").fill("123")
    page.get_by_role("button", name="Sign the petition").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "id_email_helptext id_email_error")
    expect(page.locator("#id_postal_code_error")).to_contain_text("5-digit ZIP code")
    expect(page.get_by_label("Full name")).to_have_value("Ana López")  # nothing typed is lost
    screenshot(page, "campaign-en-errors")
    assert_accessible(page, "form with errors")

    email.fill("ana@example.org")
    page.get_by_label("ZIP/postal code").fill("78205")
    page.get_by_label("Why are you signing? (optional)").fill("Families belong together.")
    page.get_by_label("Show my first name, last initial, comment and, in the US, city and state").check()
    page.get_by_role("button", name="Sign the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    # Her members of Congress by name (tests/e2e/test_calling_lawmakers.py follows them further).
    expect(page.get_by_role("heading", name="Senator Ted Cruz")).to_be_visible()
    expect(page.get_by_role("link", name="Call 202-224-5922")).to_have_attribute("href", "tel:+12022245922")
    expect(page.get_by_role("link", name="Donate")).to_have_attribute("href", "https://donate.example.org/")
    expect(page.get_by_role("link", name="Volunteer")).to_have_attribute(
        "href", "https://volunteer.example.org/"
    )
    expect(page.locator("a.share-wa")).to_have_attribute("href", re.compile(r"src%3Dwa"))
    copy_field = page.get_by_label("Or copy the link")
    expect(copy_field).to_have_value(re.compile(r"\?src=link$"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(".copy-status")).to_have_text("Copied!")
    assert page.evaluate("navigator.clipboard.readText()") == copy_field.input_value()
    # The thank-you page asks for nothing the signer already gave.
    expect(page.locator("input[type=email], input[name=postal_code]")).to_have_count(0)
    html = page.content()
    assert "ana@example.org" not in html and "78205" not in html
    screenshot(page, "thanks-en-phone")
    assert_accessible(page, "thank-you page")

    page.get_by_role("link", name="Back to the petition").click()
    expect(page.locator(".progress-text")).to_have_text("1 has signed. Let’s get to 10!")
    expect(page.locator("#signers")).to_contain_text("Ana L.")
    expect(page.locator("#signers")).to_contain_text("Families belong together.")

    signature = Signature.objects.get(petition=petition)
    assert (signature.source, signature.language, signature.public) == ("wa", "en", True)


def test_lucias_spanish_phone_gets_the_spanish_page_she_signs_and_stays_in_spanish(
    phone, make_petition, congress
):
    petition = make_petition(
        title="Fund family case management",
        title_es="Financien la gestión de casos familiares",
        body="Please sign.",
        body_es="Por favor, firma.",
        goal=10,
    )
    page = phone(locale="es-US")
    # The link she was sent is the English one; her phone asks for Spanish.
    page.goto(petition.get_absolute_url())

    expect(page).to_have_url(re.compile(f"/es/petitions/{petition.slug}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Financien la gestión de casos familiares")
    page.get_by_label("Nombre completo").fill("Lucía Hernández")
    page.get_by_label("Correo electrónico").fill("lucia@example.org")
    page.get_by_label("Código postal").fill("1000")
    page.get_by_role("button", name="Firmar la petición").click()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#id_postal_code_error")).to_contain_text("código postal de 5 dígitos")
    screenshot(page, "campaign-es-errors")
    assert_accessible(page, "Spanish form with errors")

    page.get_by_label("Código postal").fill("10001")
    page.get_by_role("button", name="Firmar la petición").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias por firmar")
    expect(page.get_by_role("heading", name="Senador(a) Charles E. Schumer")).to_be_visible()
    screenshot(page, "thanks-es-phone")
    assert_accessible(page, "Spanish thank-you page")

    # An English link opened later shows the Spanish page again.
    page.goto(petition.get_absolute_url())
    expect(page).to_have_url(re.compile(f"/es/petitions/{petition.slug}/$"))
    expect(page.locator(".progress-text")).to_have_text("1 persona ha firmado. ¡Lleguemos a 10!")
    assert Signature.objects.get(petition=petition).language == "es"


def test_the_count_goes_up_on_an_open_page_and_the_goal_moves_on(phone, make_petition):
    petition = make_petition(goal=1, milestones="5, 20")
    watcher = phone()
    watcher.goto(petition.get_absolute_url())
    expect(watcher.locator(".progress-text")).to_have_text("0 have signed. Let’s get to 1!")

    signer = phone()
    signer.goto(petition.get_absolute_url())
    sign(signer, name="Sam Okafor", email_address="sam@example.org", postal_code="60601")
    expect(signer.get_by_role("heading", level=1)).to_have_text("Thank you for signing")

    # The page polls every 10 s and also when it comes back into view; the
    # latter lets the test see the refresh without waiting out the timer.
    watcher.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(watcher.locator(".progress-text")).to_have_text("1 has signed. Let’s get to 5!")
    expect(watcher.locator(".progress-reached")).to_have_text(
        "We reached our goal of 1 signatures! Next goal: 5."
    )
    expect(watcher.locator("progress")).to_have_attribute("max", "5")
    screenshot(watcher, "campaign-goal-reached")


def test_a_signer_who_must_confirm_sees_the_check_email_page(phone, make_petition):
    petition = make_petition(
        requires_confirmation=True,
        body="Find yours at <https://www.house.gov/representatives/find-your-representative>.",
    )
    page = phone(viewport={"width": 320, "height": 640})
    page.goto(petition.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    sign(page, name="Kim Nguyen", email_address="kim@example.org", postal_code="98101")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator(".progress-text")).to_have_count(0)
    screenshot(page, "check-email-320")
    assert_accessible(page, "check-email page")
    page.goto(petition.get_absolute_url())
    expect(page.locator(".progress-text")).to_have_text("0 have signed. Let’s get to 100!")


def test_everything_works_without_javascript(phone, make_petition, congress):
    petition = make_petition()
    page = phone(java_script_enabled=False)
    page.goto(petition.get_absolute_url())
    sign(page, name="Noor Haddad", email_address="noor@example.org", postal_code="48126")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    # The link to copy is there as text; the Copy button needs script, so it stays hidden.
    expect(page.get_by_label("Or copy the link")).to_have_value(re.compile(r"\?src=link$"))
    expect(page.get_by_role("button", name="Copy")).to_be_hidden()
    expect(page.get_by_role("heading", name="Senator Gary C. Peters")).to_be_visible()
    # "I called" is a form: it works without script too.
    page.get_by_role("button", name="I called Senator Gary C. Peters").click()
    expect(page.locator("#member-P000595")).to_contain_text("Thank you: your call is counted.")
    screenshot(page, "thanks-no-javascript")
