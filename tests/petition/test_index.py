"""/petitions/ (open petitions, most signed first), /petitions/closed/, sitemap.xml and robots.txt."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from petition.models import Petition
from tests.support.factories import SEED_SLUG, make_signatures


@pytest.fixture(autouse=True)
def only_this_tests_petitions(db):
    Petition.objects.filter(slug=SEED_SLUG).delete()


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


def test_open_petitions_most_signed_first_with_count_and_goal(client, make_petition):
    small = make_petition(title="Small", goal=100)
    big = make_petition(title="Big", goal=1000)
    make_petition(title="Quiet")
    make_signatures(small, 1)
    make_signatures(big, 3, start=1)
    make_petition(title="Draft", status="draft")
    make_petition(title="Closed", status="closed")
    make_petition(title="Ran out", closes_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get(reverse("petition:index"))
    html = response.content.decode()
    assert titles(html) == ["Big", "Small", "Quiet"]
    assert "3 signatures so far, goal 1,000" in html
    assert "1 signature so far, goal 100" in html
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies


def test_closed_petitions_have_a_page_of_their_own(client, make_petition):
    make_petition(title="Open")
    make_petition(title="Draft", status="draft")
    closed = make_petition(title="Closed")
    make_signatures(closed, 2)
    Petition.objects.filter(pk=closed.pk).update(status="closed")
    make_petition(title="Ran out", closes_at=timezone.now() - datetime.timedelta(days=1))
    html = client.get(reverse("petition:closed")).content.decode()
    assert titles(html) == ["Closed", "Ran out"]
    assert "2 signatures of a goal of 100" in html


def test_the_index_in_spanish(client, make_petition):
    make_petition(title="Families", title_es="Familias")
    with translation.override("es"):
        url = reverse("petition:index")
    html = client.get(url).content.decode()
    assert url == "/es/petitions/"
    assert titles(html) == ["Familias"]
    assert "Peticiones abiertas" in html and "0 firmas hasta ahora, meta: 100" in html


def test_no_petition_may_take_the_closed_pages_address(make_petition):
    petition = make_petition()
    petition.slug = "closed"
    try:
        petition.full_clean()
    except ValidationError as error:
        assert "slug" in error.message_dict
    else:
        raise AssertionError("the slug 'closed' was accepted")


def test_the_sitemap_lists_open_petitions_and_pages_in_both_languages(client, make_petition):
    make_petition(slug="open-one")
    make_petition(slug="draft-one", status="draft")
    make_petition(slug="closed-one", status="closed")
    response = client.get("/sitemap.xml")
    xml = response.content.decode()
    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in locations}
    assert {
        "/petitions/open-one/",
        "/es/petitions/open-one/",
        "/",
        "/es/",
        "/petitions/",
        "/es/petitions/",
    } <= paths
    assert {"/privacy/", "/es/privacy/", "/petitions/closed/"} <= paths
    assert not any("draft-one" in path or "closed-one" in path for path in paths)
    assert 'hreflang="es"' in xml and 'hreflang="x-default"' in xml
    assert response["Cache-Control"].startswith("public")


def test_robots_keeps_crawlers_off_signers_links_and_admin(client, settings):
    response = client.get("/robots.txt")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    disallowed = re.findall(r"^Disallow: (.+)$", text, re.MULTILINE)
    for path in ("/*/confirm/", "/*/withdraw/", "/*/unsubscribe/", "/admin/"):
        assert path in disallowed
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    # The patterns cover both languages' paths (RFC 9309: * matches any characters).
    for path in ("/petitions/x/confirm/abc/", "/es/petitions/x/withdraw/abc/", "/petitions/x/unsubscribe/t/"):
        assert any(re.match(re.escape(rule).replace(r"\*", ".*"), path) for rule in disallowed), path
    assert not any(re.match(re.escape(rule).replace(r"\*", ".*"), "/petitions/x/") for rule in disallowed)


def test_robots_never_names_an_admin_address_chosen_to_be_hard_to_guess(client, settings):
    settings.ADMIN_URL = "staff-7f3a9c/"
    text = client.get("/robots.txt").content.decode()
    assert "staff-7f3a9c" not in text
    assert "Disallow: /*/confirm/" in text


def test_admin_pages_tell_crawlers_to_keep_out(client):
    page = client.get("/admin/login/").content.decode()
    assert '<meta name="robots" content="NONE,NOARCHIVE">' in page
