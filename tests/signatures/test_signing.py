import pytest
from django.test import Client
from django.urls import reverse, set_script_prefix
from django.utils import translation

from petition.models import Petition
from signatures.counting import count_for
from signatures.models import Signature, SignerRequest
from tests.support.factories import form_fields, sign
from tests.support.mailtools import store_queued_signatures


def test_the_campaign_page_shows_title_count_targets_and_form(client, make_petition):
    petition = make_petition(title="Save the river", targets="The Mayor\nThe Council", goal=5000)
    response = client.get(petition.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Save the river" in html
    assert "0 have signed. Let’s get to 5,000!" in html
    assert "The Mayor" in html and "The Council" in html
    assert 'name="email"' in html and 'name="postal_code"' in html
    assert '<option value="US" selected>' in html
    # Both boxes start unticked.
    assert 'name="public" id="id_public">' in html
    assert 'name="opt_in" id="id_opt_in">' in html


def test_a_valid_signature_is_stored_and_counted_then_redirects(client, petition):
    response = sign(client, petition, comment="For the children.")
    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:thanks", args=[petition.slug])
    signature = Signature.objects.get()
    assert signature.name == "María José Pérez"
    assert signature.email_canonical == "maria@example.org"
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.public is False and signature.opt_in is False
    assert count_for(petition) == 1
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "1 has signed. Let’s get to 100!" in page


def test_a_petition_that_requires_confirmation_stores_pending_and_does_not_count(client, make_petition):
    petition = make_petition(requires_confirmation=True)
    response = sign(client, petition)
    assert response["Location"] == reverse("signatures:check_email", args=[petition.slug])
    # Acknowledged: the attempt is stored, and the worker stores the signature.
    assert SignerRequest.objects.get(petition=petition).kind == SignerRequest.Kind.SIGNED
    store_queued_signatures()
    assert Signature.objects.get().status == Signature.Status.PENDING
    assert count_for(petition) == 0
    page = client.get(response["Location"]).content.decode()
    assert "maria@example.org" in page


@pytest.mark.parametrize(
    "variant",
    ["MARIA@example.org", "  maria@example.org  ", "Maria@Example.ORG"],
)
def test_the_same_person_signing_again_is_not_counted_twice(client, petition, variant):
    first = sign(client, petition)
    second = sign(Client(), petition, email=variant, name="Someone Else")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "María José Pérez"
    assert count_for(petition) == 1


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("maria.jose@gmail.com", "MariaJose+petitions@gmail.com"),
        ("mariajose@gmail.com", "maria.jose@googlemail.com"),
    ],
)
def test_gmail_dots_and_tags_are_the_same_person(client, petition, first, again):
    sign(client, petition, email=first)
    sign(client, petition, email=again)
    assert Signature.objects.count() == 1
    assert count_for(petition) == 1


def test_signing_another_petition_is_not_a_duplicate(client, make_petition):
    one, two = make_petition(), make_petition()
    sign(client, one)
    sign(client, two)
    assert Signature.objects.count() == 2
    assert count_for(one) == count_for(two) == 1


PHISHING_NAME = (
    "Friend. URGENT: your signature is on a public ICE list, remove it at http://evil.example/remove"
)
BAD_INPUT = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 201}, "name", "at most 200 characters"),
    ({"name": "Ana\x00Bad"}, "name", "Null characters are not allowed."),
    ({"name": "Ana\u202eBad"}, "name", "invisible or control characters"),
    # Names are shown and sent: no links or addresses in them (a phishing line), and at least one letter.
    ({"name": PHISHING_NAME}, "name", "Please enter only your name."),
    ({"name": "Ana WWW.evil.example"}, "name", "Please enter only your name."),
    ({"name": "ana@evil.example"}, "name", "Please enter only your name."),
    ({"name": "Ana ｗｗｗ．evil．example"}, "name", "Please enter only your name."),
    ({"name": "ana＠evil.example"}, "name", "Please enter only your name."),
    ({"name": "\u0301\u0308\u20dd"}, "name", "Please enter your name."),  # combining marks only
    ({"name": "\u3164"}, "name", "Please enter your name."),  # Hangul filler
    ({"name": "\u115f\u1160 \uffa0"}, "name", "Please enter your name."),
    ({"name": "\u2800\u2800"}, "name", "Please enter your name."),  # braille blank
    ({"name": "\u200b"}, "name", "Please enter your name."),  # zero width space
    ({"name": "\u180e\u200b"}, "name", "Please enter your name."),
    ({"name": "12345 ."}, "name", "Please enter your name."),
    ({"email": ""}, "email", "This field is required."),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
    ({"postal_code": ""}, "postal_code", "This field is required."),
    ({"postal_code": "1234"}, "postal_code", "5-digit ZIP code"),
    ({"postal_code": "78205-12"}, "postal_code", "5-digit ZIP code"),
    ({"postal_code": "SW1A 1AA"}, "postal_code", "5-digit ZIP code"),
    ({"postal_code": "<script>", "country": "GB"}, "postal_code", "letters, digits, spaces or hyphens"),
    ({"country": "XX"}, "country", "Select a valid choice."),
    ({"comment": "y" * 1001}, "comment", "at most 1000 characters"),
    ({"comment": "bell\x07"}, "comment", "invisible or control characters"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_re_renders_the_form_with_a_message_by_the_field(
    client, petition, overrides, field, message
):
    response = sign(client, petition, **overrides)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert Signature.objects.count() == 0
    assert count_for(petition) == 0


@pytest.mark.parametrize(
    "name", ["José", "Nguyễn Văn A", "李小龍", "محمد", "O'Brien-Smith", "Zoë d’Arc", "Ō"]
)
def test_names_in_any_script_are_accepted(client, petition, name):
    assert sign(client, petition, name=name).status_code == 302
    assert Signature.objects.get().name == name


def test_valid_non_us_postal_codes_are_accepted(client, petition):
    response = sign(client, petition, postal_code="sw1a 1aa", country="GB")
    assert response.status_code == 302
    assert Signature.objects.get().postal_code == "SW1A 1AA"


def test_zip_plus_four_is_accepted(client, petition):
    assert sign(client, petition, postal_code="78205-1234").status_code == 302


def test_comments_may_have_line_breaks(client, petition):
    sign(client, petition, comment="Line one.\r\nLine two.")
    assert Signature.objects.get().comment == "Line one.\r\nLine two."


@pytest.mark.parametrize(
    "closing",
    [
        {"status": Petition.Status.CLOSED},
        {"closes_at": "2020-01-01T00:00:00Z", "opens_at": "2019-01-01T00:00:00Z"},
    ],
)
def test_a_closed_petition_shows_no_form_and_stores_nothing(client, make_petition, closing):
    petition = make_petition(**closing)
    page = client.get(petition.get_absolute_url())
    assert page.status_code == 200
    assert "This petition is closed" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = sign(client, petition)
    assert response.status_code == 403
    assert "no longer takes signatures" in response.content.decode()
    assert Signature.objects.count() == 0


def test_a_draft_petition_is_not_found(client, make_petition):
    petition = make_petition(status=Petition.Status.DRAFT)
    assert client.get(petition.get_absolute_url()).status_code == 404
    assert sign(client, petition).status_code == 404
    assert Signature.objects.count() == 0


def test_signing_needs_a_post(client, petition):
    assert client.get(reverse("petition:sign", args=[petition.slug])).status_code == 405


def test_the_home_page_shows_the_featured_open_petition(client, make_petition):
    make_petition(title="Older one")
    make_petition(title="The featured one", featured=True)
    make_petition(title="Newest one")
    assert "The featured one" in client.get("/").content.decode()


def test_the_next_page_follows_the_language_and_the_script_prefix(client, petition, signer_data):
    url = reverse("petition:sign", args=[petition.slug])
    with translation.override("es"):
        url_es = reverse("petition:sign", args=[petition.slug])
    english = client.post(url, {**form_fields(petition), **signer_data(email="a@example.org")})
    assert english["Location"] == f"/petitions/{petition.slug}/thanks/"
    assert client.post(url_es, {**form_fields(petition), **signer_data(email="b@example.org")})[
        "Location"
    ] == (f"/es/petitions/{petition.slug}/thanks/")
    # A site mounted under a prefix (WSGI SCRIPT_NAME, which the handler sets as the script prefix).
    set_script_prefix("/site/")
    try:
        mounted = client.post(url, {**form_fields(petition), **signer_data(email="c@example.org")})
    finally:
        set_script_prefix("/")
    assert mounted["Location"] == f"/site/petitions/{petition.slug}/thanks/"
    assert client.post(url, {**form_fields(petition), **signer_data(email="d@example.org")})["Location"] == (
        f"/petitions/{petition.slug}/thanks/"
    )
    assert Signature.objects.count() == 4
