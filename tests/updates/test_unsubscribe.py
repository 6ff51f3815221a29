"""The unsubscribe link: one-click POST from a mail provider, a button for people, the same page for everyone."""

import re

import pytest
from django.core import mail
from django.test import Client

from updates import sending, services
from updates.models import Delivery, Unsubscribe


@pytest.fixture
def ana(make_petition, supporter):
    return supporter(make_petition(), "ana@example.org")


def link(signature) -> str:
    return (
        sending.unsubscribe_url(signature)
        .removeprefix("http://127.0.0.1:8000")
        .removeprefix("https://petitions.example.org")
    )


def main(response) -> bytes:
    """What the page says (its language switch links back to its own URL)."""
    return re.search(rb"<main.*</main>", response.content, re.S).group(0)


def provider() -> Client:
    """A mail provider: no cookie, no Origin, no CSRF token, enforce_csrf_checks on."""
    return Client(enforce_csrf_checks=True)


def one_click(path):
    return provider().post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_a_one_click_post_without_session_unsubscribes_and_stops_the_next_update(ana, make_update):
    response = one_click(link(ana))
    assert response.status_code == 200
    assert Unsubscribe.objects.filter(petition=ana.petition, email_canonical="ana@example.org").exists()
    assert not response.cookies
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]

    update = services.update_publish(update=make_update(ana.petition), email=True)
    sending.send_batch(update.pk)
    assert not Delivery.objects.filter(update=update).exists()
    assert mail.outbox == []


def test_it_is_idempotent_and_says_the_same_every_time(ana):
    first = one_click(link(ana))
    second = one_click(link(ana))
    assert Unsubscribe.objects.count() == 1
    assert (first.status_code, main(first)) == (second.status_code, main(second))


def test_a_get_only_shows_a_button_and_changes_nothing(ana):
    # Mail scanners open every link.
    response = provider().get(link(ana))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert not Unsubscribe.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["forged", "1.AAAAAA.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "999999999.1xYAwA.x", "%00", "9" * 40],
)
def test_a_forged_token_gets_the_same_page_and_status_as_a_real_one(ana, token):
    real = one_click(link(ana))
    slug = ana.petition.slug
    forged = one_click(f"/petitions/{slug}/unsubscribe/{token}/")
    assert forged.status_code == real.status_code == 200
    assert main(forged) == main(real)
    assert Unsubscribe.objects.count() == 1


def test_a_token_of_one_signature_does_not_unsubscribe_another(ana, supporter):
    bob = supporter(ana.petition, "bob@example.org")
    token = link(ana).split("/")[-2]
    pk, rest = token.split(".", 1)
    one_click(f"/petitions/{ana.petition.slug}/unsubscribe/{bob.pk}.{rest}/")
    assert not Unsubscribe.objects.exists()


def test_the_page_says_the_same_whether_or_not_the_address_was_unsubscribed(ana):
    path = link(ana)
    services.unsubscribe(signature=ana)
    again = one_click(path)
    ana.delete()  # withdrawn: the token's signature no longer exists
    gone = one_click(path)
    assert again.status_code == gone.status_code == 200
    assert again.content == gone.content


def test_a_cross_site_browser_post_is_refused(ana):
    response = provider().post(
        link(ana), {"List-Unsubscribe": "One-Click"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403
    assert not Unsubscribe.objects.exists()


def test_the_button_on_the_page_unsubscribes(ana):
    browser = Client(enforce_csrf_checks=True)
    path = link(ana)
    browser.get(path)
    response = browser.post(
        path, {"List-Unsubscribe": "One-Click"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 200
    assert Unsubscribe.objects.exists()
