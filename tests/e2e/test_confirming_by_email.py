"""Signers who must confirm by email, on a phone: the email reaches a real mailbox, its links open in the browser.

The site under gunicorn stores the signature and queues the email; the test
runs the real db_worker loop, which talks SMTP to a local mail server. The
signer then reads the email's HTML in the phone's browser and taps its links,
so what is tested is the link a person actually receives.
"""

import re

import pytest
from django.core import signing
from django.utils import translation
from playwright.sync_api import expect

from signatures.counting import count_for
from signatures.mail import absolute
from signatures.models import Signature
from tests.e2e.pages import look_at, screenshot, sign, text_link

pytestmark = pytest.mark.django_db(transaction=True)


def open_email(page, message, name: str):
    """Show the email's HTML in the phone's browser, as a mail app would."""
    page.set_content(message.get_body(("html",)).get_content())
    screenshot(page, name)
    return page


def petition_url(petition, language="en") -> str:
    """The campaign page's absolute address in a language, as the emails write it."""
    with translation.override(language):
        return absolute(petition.get_absolute_url())


def count_on_campaign_page(page, url: str) -> str:
    """The number of signatures the campaign page shows (its progress bar, whatever the language)."""
    page.goto(url)
    return page.locator("progress.progress-bar").get_attribute("value")


def test_suzie_confirms_her_signature_from_the_email_on_her_phone(phone, mailbox, make_petition):
    petition = make_petition(title="Keep the library open late", goal=10, requires_confirmation=True)
    page = phone()
    page.goto(petition.get_absolute_url())
    sign(page, name="Suzie Park", email_address="suzie@example.org", postal_code="97201")

    expect(page).to_have_url(re.compile(f"/petitions/{petition.slug}/check-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("We sent a message to suzie@example.org.")
    look_at(page, "confirm-check-email-en")

    (message,) = mailbox.deliver()
    assert message["To"] == "suzie@example.org"
    assert message["Subject"] == "Confirm your signature: Keep the library open late"
    confirm_url = text_link(message, "confirm")
    assert confirm_url.startswith(f"{petition_url(petition)}confirm/")

    # She reads the email in her mail app and taps its button.
    inbox = open_email(page.context.new_page(), message, "confirm-email-en")
    inbox.get_by_role("link", name="Confirm my signature").click()
    expect(inbox).to_have_url(confirm_url)
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    expect(inbox.locator("main")).to_contain_text("Keep the library open late")
    look_at(inbox, "confirm-button-en")
    # Opening the link (as mail scanners do too) confirms nothing.
    assert count_on_campaign_page(page, petition.get_absolute_url()) == "0"

    inbox.get_by_role("button", name="Confirm my signature").click()
    expect(inbox).to_have_url(re.compile(f"/petitions/{petition.slug}/thanks/$"))
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    expect(inbox.locator(".lead")).to_contain_text("is counted")
    look_at(inbox, "confirm-thanks-en")

    inbox.get_by_role("link", name="Back to the petition").click()
    expect(inbox.locator(".progress-text")).to_have_text("1 has signed. Let’s get to 10!")

    # Tapping the button in the email a second time says so, and counts nothing twice.
    inbox.goto(confirm_url)
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Your signature is already confirmed")
    look_at(inbox, "confirm-already-confirmed-en")
    assert count_for(petition) == 1
    assert Signature.objects.get(petition=petition).status == Signature.Status.CONFIRMED


def test_luis_signs_in_spanish_and_confirms_on_spanish_pages(phone, mailbox, make_petition):
    petition = make_petition(
        title="Keep the library open late",
        title_es="Que la biblioteca abra hasta tarde",
        body="Please sign.",
        body_es="Por favor, firma.",
        goal=10,
        requires_confirmation=True,
    )
    spanish_url = petition_url(petition, "es")
    assert "/es/petitions/" in spanish_url
    page = phone(locale="es-US")
    page.goto(spanish_url)  # a link shared in Spanish
    expect(page.locator("html")).to_have_attribute("lang", "es")
    sign(page, name="Luis Ortega", email_address="luis@example.org", postal_code="33125")

    expect(page).to_have_url(re.compile(f"/es/petitions/{petition.slug}/check-email/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("main")).to_contain_text("luis@example.org")
    look_at(page, "confirm-check-email-es")

    (message,) = mailbox.deliver()
    assert message["To"] == "luis@example.org"
    assert "Que la biblioteca abra hasta tarde" in message["Subject"]
    confirm_url = text_link(message, "confirm")
    assert confirm_url.startswith(f"{spanish_url}confirm/")
    assert text_link(message, "withdraw").startswith(f"{spanish_url}withdraw/")

    inbox = open_email(page.context.new_page(), message, "confirm-email-es")
    expect(inbox.locator("html")).to_have_attribute("lang", "es")
    inbox.locator(f'a[href="{confirm_url}"]').first.click()
    expect(inbox).to_have_url(confirm_url)
    expect(inbox.locator("html")).to_have_attribute("lang", "es")
    expect(inbox.locator("main")).to_contain_text("Que la biblioteca abra hasta tarde")
    look_at(inbox, "confirm-button-es")
    assert count_for(petition) == 0

    inbox.locator("main form button[type=submit]").click()
    expect(inbox).to_have_url(re.compile(f"/es/petitions/{petition.slug}/thanks/$"))
    expect(inbox.locator("html")).to_have_attribute("lang", "es")
    look_at(inbox, "confirm-thanks-es")

    assert count_on_campaign_page(inbox, spanish_url) == "1"
    expect(inbox.locator("html")).to_have_attribute("lang", "es")
    assert Signature.objects.get(petition=petition).language == "es"


def test_suzie_removes_her_signature_with_the_link_in_her_email(phone, mailbox, make_petition):
    petition = make_petition(title="Keep the library open late", goal=10, requires_confirmation=True)
    page = phone()
    page.goto(petition.get_absolute_url())
    sign(page, name="Suzie Park", email_address="suzie@example.org", postal_code="97201")
    (message,) = mailbox.deliver()
    page.goto(text_link(message, "confirm"))
    page.get_by_role("button", name="Confirm my signature").click()
    assert count_on_campaign_page(page, petition.get_absolute_url()) == "1"

    # She changes her mind, and taps the link at the foot of the same email.
    inbox = open_email(page.context.new_page(), message, "confirm-email-en-footer")
    inbox.get_by_role("link", name="Remove your signature").click()
    expect(inbox).to_have_url(text_link(message, "withdraw"))
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Remove your signature")
    expect(inbox.locator("main")).to_contain_text("It cannot be undone")
    expect(inbox.get_by_role("link", name="Keep my signature")).to_be_visible()
    look_at(inbox, "withdraw-en")
    assert count_on_campaign_page(page, petition.get_absolute_url()) == "1"  # asking removes nothing

    inbox.get_by_role("button", name="Remove my signature").click()
    expect(inbox).to_have_url(re.compile(f"/petitions/{petition.slug}/withdraw/done/$"))
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Your signature has been removed")
    look_at(inbox, "withdrawn-en")
    assert count_on_campaign_page(page, petition.get_absolute_url()) == "0"
    assert not Signature.objects.filter(email_canonical="suzie@example.org").exists()

    # The link has done its work: opened again, it says there is nothing left to remove.
    response = inbox.goto(text_link(message, "withdraw"))
    assert response.status == 404
    expect(inbox.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(inbox.locator("main")).to_contain_text("the signature it was for has been removed")
    expect(inbox.locator("main")).to_contain_text("Nothing was changed.")
    look_at(inbox, "withdraw-link-used-en")


def test_an_old_confirmation_link_explains_itself_and_sends_a_new_one(
    phone, mailbox, make_petition, monkeypatch
):
    petition = make_petition(goal=10, requires_confirmation=True)
    page = phone()
    page.goto(petition.get_absolute_url())
    sign(page, name="Suzie Park", email_address="suzie@example.org", postal_code="97201")
    sent_31_days_ago = signing.b62_encode(int(signing.time.time()) - 31 * 24 * 3600)
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: sent_31_days_ago)
        (old,) = mailbox.deliver()

    page.goto(text_link(old, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(page.locator("main")).to_contain_text("Confirmation links work for 30 days")
    look_at(page, "confirm-link-expired-en")
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("suzie@example.org")
    assert count_for(petition) == 0

    (fresh,) = mailbox.deliver()
    page.goto(text_link(fresh, "confirm"))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    assert count_for(petition) == 1


@pytest.mark.parametrize(
    ("name", "mangle"),
    [
        ("changed", lambda token: token[:-1] + ("A" if token[-1] != "A" else "B")),
        ("cut-short", lambda token: token.rsplit(".", 1)[0]),
    ],
)
def test_a_changed_or_cut_short_link_says_so_and_changes_nothing(phone, mailbox, make_petition, name, mangle):
    petition = make_petition(goal=10, requires_confirmation=True)
    page = phone()
    page.goto(petition.get_absolute_url())
    sign(page, name="Suzie Park", email_address="suzie@example.org", postal_code="97201")
    (message,) = mailbox.deliver()

    for link_name in ("confirm", "withdraw"):
        prefix, token = text_link(message, link_name).rstrip("/").rsplit("/", 1)
        response = page.goto(f"{prefix}/{mangle(token)}/")
        # The answer a link for a signature that does not exist gets.
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
        expect(page.locator("main")).to_contain_text("copy the whole link from the email")
        expect(page.locator("main")).to_contain_text("Nothing was changed.")
        expect(page.get_by_role("button")).to_have_count(0)  # nothing to press that could change anything
    look_at(page, f"bad-link-{name}-en")
    assert Signature.objects.get(petition=petition).status == Signature.Status.PENDING
    assert count_for(petition) == 0


def test_suzie_asks_for_the_email_again_and_the_newest_link_works(phone, mailbox, make_petition):
    petition = make_petition(goal=10, requires_confirmation=True)
    page = phone()
    page.goto(petition.get_absolute_url())
    sign(page, name="Suzie Park", email_address="suzie@example.org", postal_code="97201")
    (first,) = mailbox.deliver()

    # It went to spam; she asks for it again from the page she landed on.
    expect(page.get_by_label("Email")).to_have_value("suzie@example.org")
    page.get_by_role("button", name="Send the email again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    notice = page.get_by_text("If this address signed the petition, a new email is on its way.")
    expect(notice).to_have_count(1)
    look_at(page, "confirm-sent-again-en")

    (again,) = mailbox.deliver()
    assert again["To"] == "suzie@example.org"
    page.goto(text_link(again, "confirm"))
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    assert count_for(petition) == 1
    # The first email's link, found later, neither fails nor counts her twice.
    page.goto(text_link(first, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signature is already confirmed")
    assert count_for(petition) == 1
