"""The signer's members of Congress on the thank-you page and the call page, through the real views."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lawmakers.models import CallTally
from signatures import mail, tokens
from signatures.models import SignatureMail
from signatures.signer_cookie import SIGNER_COOKIE
from tests.support.factories import make_signature, sign
from tests.support.mailtools import html_part

pytestmark = pytest.mark.usefixtures("congress")


def thanks_after_signing(client, petition, **fields):
    response = sign(client, petition, **fields)
    assert response.status_code == 302
    return client.get(response["Location"])


@pytest.mark.parametrize(
    ("zip5", "names"),
    [
        ("05401", ["Senator Bernard Sanders", "Senator Peter Welch", "Representative Becca Balint"]),
        (
            "78201",
            [
                "Senator Ted Cruz",
                "Senator John Cornyn",
                "Representative Joaquin Castro",
                "Representative Greg Casar",
            ],
        ),
        (
            "10001",
            [
                "Senator Charles E. Schumer",
                "Senator Kirsten E. Gillibrand",
                "Representative Daniel S. Goldman",
                "Representative Jerrold Nadler",
            ],
        ),
    ],
)
def test_signing_shows_the_signers_members_with_tel_links(client, petition, zip5, names):
    response = thanks_after_signing(client, petition, postal_code=zip5)
    html = response.content.decode()
    for name in names:
        assert f"<h3>{name}</h3>" in html
    assert html.count('href="tel:+1202') == len(names)
    assert ("split between several congressional districts" in html) == (len(names) == 4)
    # The signer's ZIP and email stay in their cookie: not in the page, not in a URL.
    assert zip5 not in html and "maria@example.org" not in html
    assert "no-store" in response["Cache-Control"] and "Cookie" in response["Vary"]


def test_confirming_by_email_shows_them_too_in_another_browser(make_petition):
    petition = make_petition(requires_confirmation=True)
    signature = make_signature(petition, confirmed=False, postal_code="05401")
    other_browser = Client()  # the link opened on another device: no signer cookie yet
    url = reverse("signatures:confirm", args=[petition.slug, tokens.make(signature, tokens.CONFIRM)])
    form = other_browser.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    response = other_browser.post(url, data, follow=True)
    html = response.content.decode()
    assert "Senator Bernard Sanders" in html and "Representative Becca Balint" in html
    assert "05401" not in html and "05401" not in response.redirect_chain[-1][0]


def test_the_confirmation_mail_links_to_the_call_page(make_petition):
    petition = make_petition(requires_confirmation=True)
    signature = make_signature(petition, confirmed=False)
    row = SignatureMail.objects.create(
        signature=signature, kind=SignatureMail.Kind.CONFIRM, cause=SignatureMail.Cause.SIGNED
    )
    call_url = f"http://127.0.0.1:8000/petitions/{petition.slug}/call/"
    message = mail.build_message(row)
    assert call_url in message.body and f'href="{call_url}"' in html_part(message)
    petition.call_chambers = "none"
    petition.save()
    assert "/call/" not in mail.build_message(row).body


def test_a_signer_outside_the_us_is_told_and_given_the_official_finders(client, petition):
    html = thanks_after_signing(client, petition, postal_code="06600", country="MX").content.decode()
    assert "members of Congress are found from a US ZIP code" in html
    assert petition.find_representative_url in html and petition.find_senators_url in html


def test_an_unknown_zip_is_told_so(client, petition):
    html = thanks_after_signing(client, petition, postal_code="00000").content.decode()
    assert "We could not find the members of Congress for your ZIP code." in html


def test_the_chambers_the_organizer_chose(client, make_petition):
    senate = make_petition(call_chambers="senate")
    html = thanks_after_signing(client, senate, postal_code="05401").content.decode()
    assert "Senator Peter Welch" in html and "Becca Balint" not in html
    house = make_petition(call_chambers="house")
    html = thanks_after_signing(client, house, postal_code="05401").content.decode()
    assert "Becca Balint" in html and "Senator" not in html
    none = make_petition(call_chambers="none")
    html = thanks_after_signing(client, none, postal_code="05401").content.decode()
    assert "Becca Balint" not in html and "Representatives from Vermont" in html
    assert client.get(reverse("petition:call", args=[none.slug])).status_code == 404


def test_the_script_is_filled_in_and_in_spanish_on_spanish_pages(client, make_petition):
    petition = make_petition(
        title="Fund family case management",
        title_es="Financien la gestión de casos",
        call_script="Hi {lawmaker}, I live in {city}, {state}. Please support {petition}.",
        call_script_es="Hola {lawmaker}, vivo en {city}, {state}. Apoye {petition}.",
    )
    html = thanks_after_signing(client, petition, postal_code="05401").content.decode()
    assert (
        "Hi Senator Bernard Sanders, I live in Burlington, Vermont. Please support Fund family case management."
        in html
    )
    with translation.override("es"):
        sign(client, petition, postal_code="05401")
        html = client.get(reverse("signatures:thanks", args=[petition.slug])).content.decode()
    assert (
        "Hola Senador(a) Bernard Sanders, vivo en Burlington, Vermont. Apoye Financien la gestión de casos."
        in html
    )
    assert "Llamé" in html


def test_the_call_page_without_a_zip_is_the_same_for_everyone_and_cached_publicly(client, petition):
    url = reverse("petition:call", args=[petition.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert not response.cookies and "csrfmiddlewaretoken" not in response.content.decode()
    assert "Show my members of Congress" in response.content.decode()


def test_the_call_page_with_the_signer_cookie_is_theirs_alone(client, petition):
    sign(client, petition, postal_code="78201")
    response = client.get(reverse("petition:call", args=[petition.slug]))
    html = response.content.decode()
    assert "Representative Greg Casar" in html and "78201" not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_typed_zip_is_kept_in_the_cookie_and_never_in_a_url(client, petition):
    url = reverse("lawmakers:find", args=[petition.slug])
    response = client.post(url, {"zip": "05401-1234"})
    assert response.status_code == 302 and "05401" not in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Representative Becca Balint" in html and "05401" not in html


@pytest.mark.parametrize("bad", ["", "1234", "ABCDE", "054011", "0540\x00"])
def test_a_bad_zip_gets_a_clear_message_and_no_cookie(client, petition, bad):
    response = client.post(reverse("lawmakers:find", args=[petition.slug]), {"zip": bad})
    assert response.status_code == 400
    assert not response.cookies
    html = response.content.decode()
    assert "Enter a 5-digit US ZIP code" in html or "This field is required" in html


def test_a_cross_site_post_is_refused(client, petition):
    response = client.post(
        reverse("lawmakers:find", args=[petition.slug]),
        {"zip": "05401"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403 and not response.cookies
    sign(client, petition, postal_code="05401")
    response = client.post(
        reverse("lawmakers:report", args=[petition.slug]),
        {"bioguide": "S000033", "action": "called", "back": "thanks"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403 and not CallTally.objects.exists()


def test_the_campaign_page_and_the_confirmation_mail_link_to_the_call_page(client, petition, make_petition):
    html = client.get(petition.get_absolute_url()).content.decode()
    assert f'href="/petitions/{petition.slug}/call/"' in html
    off = make_petition(call_chambers="none")
    assert "/call/" not in client.get(off.get_absolute_url()).content.decode()


def test_a_forged_signer_cookie_gets_the_page_for_everyone(client, petition):
    # An attacker cannot make a browser show someone's members: the cookie is signed.
    client.cookies[SIGNER_COOKIE] = '{"email":"", "state":"VT", "zip":"05401"}'
    response = client.get(reverse("petition:call", args=[petition.slug]))
    assert "Becca Balint" not in response.content.decode()
    assert "public" in response["Cache-Control"]


def test_public_pages_never_carry_a_zip_or_an_address(client, petition):
    sign(client, petition, postal_code="78201", email="ruth@example.org")
    client.post(
        reverse("lawmakers:report", args=[petition.slug]),
        {"bioguide": "C001131", "action": "called", "back": "call"},
    )
    stranger = Client()
    for url in [petition.get_absolute_url(), reverse("petition:call", args=[petition.slug])]:
        html = stranger.get(url).content.decode()
        assert "78201" not in html and "ruth@example.org" not in html and "Casar" not in html
