"""The embeddable signing form: framed only by the petition's partner sites, signing works inside the frame."""

from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from petition.models import EmbedPartner
from signatures.models import Signature
from signatures.signer_cookie import SIGNER_COOKIE
from tests.support.factories import form_fields, signer_data

PARTNER = "https://partner.example.org"


def frame_ancestors(response) -> str:
    directives = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if " " in part.strip()
    )
    return directives["frame-ancestors"]


@pytest.fixture
def partner(petition):
    return EmbedPartner.objects.create(petition=petition, name="Partner", origin=PARTNER, source="partner1")


def embed_url(petition) -> str:
    return reverse("petition:embed", args=[petition.slug])


def test_the_embed_page_may_be_framed_by_the_partners_and_nobody_else(client, petition, partner):
    EmbedPartner.objects.create(
        petition=petition, name="Other", origin="http://127.0.0.1:8123", source="other"
    )
    response = client.get(embed_url(petition))
    assert response.status_code == 200
    assert frame_ancestors(response) == f"http://127.0.0.1:8123 {PARTNER}"
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert (
        petition.title in html and 'action="' + reverse("petition:embed_sign", args=[petition.slug]) in html
    )


def test_without_partners_nobody_may_frame_it(client, petition):
    assert frame_ancestors(client.get(embed_url(petition))) == "'none'"


def test_every_other_page_still_refuses_to_be_framed(client, petition, partner):
    for url in (
        petition.get_absolute_url(),
        reverse("petition:index"),
        reverse("signatures:thanks", args=[petition.slug]),
    ):
        response = client.get(url)
        assert frame_ancestors(response) == "'none'", url
        assert response["X-Frame-Options"] == "DENY", url


def test_it_is_cached_publicly_and_a_new_partner_changes_its_etag_and_policy(
    client, petition, partner, settings
):
    settings.MICROCACHE_SECONDS = 0
    first = client.get(embed_url(petition))
    assert first["Cache-Control"].startswith("public")
    assert not first.cookies
    # A browser revalidating its copy is told the policy again, not the site's default.
    not_modified = client.get(embed_url(petition), headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    assert frame_ancestors(not_modified) == PARTNER
    EmbedPartner.objects.create(petition=petition, name="New", origin="https://new.example.org", source="new")
    second = client.get(embed_url(petition), headers={"if-none-match": first["ETag"]})
    assert second.status_code == 200
    assert frame_ancestors(second) == f"https://new.example.org {PARTNER}"


def test_signing_in_the_frame_keeps_the_next_page_in_the_frame(client, make_petition):
    petition = make_petition(requires_confirmation=True)
    EmbedPartner.objects.create(petition=petition, name="Partner", origin=PARTNER, source="partner1")
    data = form_fields(petition, **signer_data(email="ana@example.org"), source="partner1")
    # The form posts to the site from the site's own page inside the frame: same-origin.
    response = client.post(
        reverse("petition:embed_sign", args=[petition.slug]), data, headers={"sec-fetch-site": "same-origin"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("petition:embed_check_email", args=[petition.slug])
    # A partitioned cookie: the only kind a browser that blocks third-party cookies keeps in a frame.
    cookie = SimpleCookie(response["Set-Cookie"].removesuffix("; Partitioned"))[SIGNER_COOKIE]
    assert response["Set-Cookie"].endswith("; Partitioned")
    assert (cookie["samesite"], cookie["secure"], cookie["httponly"]) == ("None", True, True)
    client.cookies[SIGNER_COOKIE] = cookie.value  # the test client's jar knows no Partitioned
    page = client.get(response["Location"])
    assert "ana@example.org" in page.content.decode()
    assert frame_ancestors(page) == PARTNER
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "Cookie" in page["Vary"]


def test_the_partners_code_is_stored_with_the_signature(client, petition, partner):
    data = form_fields(petition, **signer_data(), source="partner1")
    response = client.post(reverse("petition:embed_sign", args=[petition.slug]), data)
    assert response["Location"] == reverse("petition:embed_thanks", args=[petition.slug])
    assert Signature.objects.get(petition=petition).source == "partner1"
    thanks = client.get(response["Location"])
    assert frame_ancestors(thanks) == PARTNER


def test_a_post_from_another_site_is_refused(client, petition, partner):
    data = form_fields(petition, **signer_data())
    response = client.post(
        reverse("petition:embed_sign", args=[petition.slug]), data, headers={"sec-fetch-site": "cross-site"}
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_errors_are_shown_in_the_frame(client, petition, partner):
    data = form_fields(petition, **signer_data(email="not an address"))
    response = client.post(reverse("petition:embed_sign", args=[petition.slug]), data)
    assert response.status_code == 400
    assert frame_ancestors(response) == PARTNER
    assert 'class="form-errors"' in response.content.decode()
    assert "site-header" not in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "origin, message",
    [
        ("https://partner.example.org/petition", "leave out the path"),
        ("partner.example.org", "Enter an origin"),
        ("https://*.example.org", "wildcards"),
        ("javascript:alert(1)", "Enter an origin"),
        ("https://user:pw@partner.example.org", "user name"),
        ("https://partner.example.org 'unsafe-inline'", "Enter an origin"),
    ],
)
def test_an_origin_that_is_not_exactly_one_is_refused_with_a_reason(petition, origin, message):
    partner = EmbedPartner(petition=petition, name="P", origin=origin, source="p")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert message in str(error.value.message_dict["origin"])


def test_admin_lists_partners_with_a_snippet_and_refuses_a_bad_origin(client, petition, partner):
    client.force_login(User.objects.create_superuser("organizer", "o@example.org", "x" * 16))
    url = reverse("admin:petition_petition_change", args=[petition.pk])
    html = client.get(url).content.decode()
    assert (
        f"&lt;iframe src=&quot;http://testserver{embed_url(petition)}?src=partner1&quot;" in html
        or f"{embed_url(petition)}?src=partner1" in html
    )
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "embed_partners-TOTAL_FORMS": "2",
            "embed_partners-INITIAL_FORMS": "1",
            "embed_partners-0-id": str(partner.pk),
            "embed_partners-0-petition": str(petition.pk),
            "embed_partners-0-name": "Partner",
            "embed_partners-0-origin": PARTNER,
            "embed_partners-0-source": "partner1",
            "embed_partners-1-petition": str(petition.pk),
            "embed_partners-1-name": "Bad",
            "embed_partners-1-origin": "https://bad.example.org/page",
            "embed_partners-1-source": "bad",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "leave out the path" in response.content.decode()
    assert list(EmbedPartner.objects.values_list("origin", flat=True)) == [PARTNER]
