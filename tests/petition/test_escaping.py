"""Hostile text renders as text everywhere: campaign page, signing pages, admin. Markdown is sanitised."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from petition.markdown import render_markdown
from signatures import services
from signatures.models import Signature

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "';alert(1);//",
    "</textarea><script>alert(1)</script>",
]


def assert_inert(html: str):
    assert "<script>alert" not in html
    assert not re.search(r"<(img|svg)[^>]*\son\w+=", html, re.IGNORECASE)
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_petition_text_is_escaped_on_the_campaign_page(client, make_petition, payload):
    petition = make_petition(
        title=f"T {payload}", targets=f"Target {payload}", summary=payload, body=f"Body {payload}"
    )
    html = client.get(petition.get_absolute_url()).content.decode()
    assert_inert(html)
    assert "&lt;" in html or "&#x27;" in html or "&quot;" in html


@pytest.mark.parametrize(
    "markdown_text",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p onclick="alert(1)">hi</p>',
        '![x](x "onerror=alert(1)")<img src=x onerror=alert(1)>',
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_keeps_no_script_links_handlers_frames_or_styles(markdown_text):
    html = render_markdown(markdown_text)
    assert_inert(html)
    assert "<iframe" not in html and "<style" not in html and "onclick" not in html


def test_markdown_links_get_noopener(client):
    assert 'rel="noopener noreferrer"' in render_markdown("[RAICES](https://www.raicestexas.org/)")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_names_and_comments_are_escaped_in_the_form_and_in_admin(client, petition, payload):
    response = client.post(
        reverse("petition:sign", args=[petition.slug]),
        {
            "name": payload,
            "email": "not-an-email",
            "postal_code": "78205",
            "country": "US",
            "comment": payload,
        },
    )
    assert response.status_code == 400  # the bad email sends the form back, with the payload in it
    assert_inert(response.content.decode())

    signature = services.signature_create(
        petition=petition, name=payload, email="x@example.org", postal_code="78205", comment=payload
    ).signature
    admin = User.objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(admin)
    for url in [
        reverse("admin:signatures_signature_changelist"),
        reverse("admin:signatures_signature_change", args=[signature.pk]),
    ]:
        html = client.get(url).content.decode()
        assert_inert(html)
    assert Signature.objects.get().name == payload.strip()
