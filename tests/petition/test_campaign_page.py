import re

import pytest
from django.utils import translation

from signatures import services
from signatures.models import Signature
from tests.support.factories import sign


def test_it_shows_public_counted_signers_by_first_name_and_last_initial_only(
    client, make_petition, signer_data
):
    petition = make_petition()
    services.signature_create(petition=petition, **signer_data(comment="Por las familias."), public=True)
    services.signature_create(
        petition=petition, **signer_data(name="Private Person", email="p@example.org"), public=False
    )
    Signature.objects.filter(name="María José Pérez").update(city="San Antonio", region="TX")
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "María P." in html and "San Antonio, TX" in html and "Por las familias." in html
    assert "Private" not in html
    assert "maria@example.org" not in html and "78205" not in html and "José" not in html


def test_pending_signers_are_not_listed_even_if_public(client, make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)
    services.signature_create(petition=petition, **signer_data(), public=True)
    assert "María P." not in client.get(petition.get_absolute_url()).content.decode()


def test_a_hidden_comment_is_not_shown_but_the_name_still_is(client, make_petition, signer_data):
    petition = make_petition()
    result = services.signature_create(petition=petition, **signer_data(comment="Spam spam"), public=True)
    services.comments_set_hidden(signatures=[result.signature], hidden=True)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "María P." in html and "Spam spam" not in html


def test_recent_signers_come_ten_to_a_page(client, make_petition, signer_data):
    petition = make_petition()
    for n in range(12):
        services.signature_create(
            petition=petition,
            **signer_data(name=f"Signer{n:02} Last", email=f"s{n}@example.org"),
            public=True,
        )
    first = client.get(petition.get_absolute_url()).content.decode()
    assert "Signer11 L." in first and "Signer02 L." in first and "Signer01 L." not in first
    assert "?signers=2#signers" in first
    second = client.get(petition.get_absolute_url() + "?signers=2").content.decode()
    assert "Signer01 L." in second and "Signer00 L." in second and "Signer02 L." not in second
    assert "?signers=1#signers" in second and "?signers=3" not in second
    garbage = client.get(petition.get_absolute_url() + "?signers=%00x")
    assert garbage.status_code == 200 and "Signer11 L." in garbage.content.decode()


def test_the_share_code_in_the_link_is_carried_into_the_form_and_stored(client, petition):
    html = client.get(petition.get_absolute_url() + "?src=wa").content.decode()
    assert '<input type="hidden" name="source" value="wa" id="id_source">' in html
    sign(client, petition, source="wa")
    assert Signature.objects.get().source == "wa"


def test_a_malformed_share_code_is_dropped_not_an_error(client, make_petition):
    petition = make_petition()
    html = client.get(petition.get_absolute_url() + "?src=<script>").content.decode()
    assert 'name="source" value="" id="id_source"' in html and "&lt;script" not in html
    response = sign(client, petition, source="x" * 500)
    assert response.status_code == 302
    assert Signature.objects.get().source == ""


def test_errors_are_tied_to_their_fields_and_the_title_says_so(client, petition):
    response = sign(client, petition, email="nope", postal_code="1")
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>Error: ", html)
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'id="id_email_error"' in html and 'id="id_email_helptext"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_postal_code"' in html


def test_the_page_has_open_graph_and_twitter_tags_and_no_inline_script_or_style(client, make_petition):
    petition = make_petition(title="Save the river", summary="Stop the dam.")
    html = client.get(petition.get_absolute_url()).content.decode()
    image = f"http://127.0.0.1:8000/petitions/{petition.slug}/share.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert f'<meta name="twitter:image" content="{image}">' in html
    assert '<meta property="og:title" content="Save the river">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    # The Content-Security-Policy allows scripts and styles only from our static files.
    assert re.findall(r"<script(?![^>]*\ssrc=)", html) == []
    assert " style=" not in html


def test_a_reached_goal_is_shown_with_the_next_one(client, make_petition, signer_data):
    petition = make_petition(goal=1, milestones="5, 20")
    services.signature_create(petition=petition, **signer_data())
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "1 has signed. Let’s get to 5!" in html
    assert "We reached our goal of 1 signatures! Next goal: 5." in html
    assert '<progress class="progress-bar" max="5" value="1"' in html


def test_no_template_syntax_leaks_onto_the_page(client, petition):
    for url in [petition.get_absolute_url(), "/es" + petition.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "{#" not in html and "{%" not in html and "{{" not in html


def public_box_label(html: str) -> str:
    label = re.search(r'<label for="id_public">(.*?)</label>', html, re.S).group(1)
    return " ".join(label.split())


@pytest.mark.parametrize(
    "language, shown",
    [
        ("en", ["first name", "last initial", "city", "state", "comment", "on this page"]),
        (
            "es",
            ["nombre de pila", "inicial de mi apellido", "ciudad", "estado", "comentario", "en esta página"],
        ),
    ],
)
def test_the_public_box_names_everything_the_wall_shows(client, petition, language, shown):
    with translation.override(language):
        url = petition.get_absolute_url()
    label = public_box_label(client.get(url).content.decode())
    for thing in shown:
        assert thing in label, (thing, label)


def wall(html: str) -> str:
    return re.search(r'<section class="signers".*?</section>', html, re.S).group(0)


def test_the_wall_shows_no_more_than_the_box_promises(client, petition, signer_data):
    for data in [
        signer_data(name="María José Pérez Gómez", comment="Por las familias."),
        signer_data(name="Ana Lucía Torres", email="ana@example.org", postal_code="06600", country="MX"),
    ]:
        assert sign(client, petition, **data, public="on").status_code == 302
    html = wall(client.get(petition.get_absolute_url()).content.decode())
    # US: first name, last initial, the ZIP's city and state, the comment.
    assert "<strong>María G.</strong>" in html and "San Antonio, TX" in html and "Por las familias." in html
    # Outside the US the ZIP gives no city or state: first name and last initial only.
    assert "<strong>Ana T.</strong></p>" in html
    for private in [
        "José",
        "Pérez",
        "Gómez",
        "Lucía",
        "Torres",
        "78205",
        "06600",
        "maria@",
        "ana@",
        "Mexico",
        "MX",
    ]:
        assert private not in html, private
