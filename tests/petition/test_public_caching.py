"""The campaign page and count.json are the same for everyone, so browsers, CDNs and each process can share them.

These run with the production cache settings (MICROCACHE_SECONDS=1): the
`clock` fixture moves time on where a test needs the window to pass.
"""

import logging
import re
import time

import pytest
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from petition import caching
from petition.caching import Shown, cached_publicly, query_value
from petition.pages import form_copy_seconds
from signatures import services
from signatures.abuse.bot_trap import FORM_STARTED_SALT
from signatures.models import Signature
from tests.support.factories import form_fields, public_comment

PUBLIC = "public, max-age=0, s-maxage=2, must-revalidate"


@pytest.fixture
def clock(monkeypatch):
    """Time that a test moves on: the process's window (MICROCACHE_SECONDS) and the form's timestamps follow it."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    class Clock:
        def advance(self, seconds):
            now[0] += seconds

    return Clock()


def visit(client, url, **headers):
    """A GET, with what it cost: (response, database queries, templates rendered)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries), len(response.templates)


def started(page: str) -> str:
    return re.search(r'name="started" value="([^"]*)"', page).group(1)


def test_the_campaign_page_sets_no_cookie_and_is_publicly_cacheable(client, petition):
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert response["ETag"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in response.content


def test_a_reload_with_the_same_etag_gets_304_without_a_render(client, petition, clock):
    etag = client.get(petition.get_absolute_url())["ETag"]
    response, queries, templates = visit(client, petition.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, queries, templates) == (304, 0, 0)
    assert response["Cache-Control"] == PUBLIC and response["ETag"] == etag
    # Seconds later the process reads the facts again: the same facts, the same ETag.
    clock.advance(5)
    response, queries, templates = visit(client, petition.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, templates) == (304, 0) and queries > 0


def test_the_page_is_drawn_once_and_read_once_per_window_whatever_the_query_string(client, petition, clock):
    url = petition.get_absolute_url()
    first, queries, templates = visit(client, url)
    assert queries > 0 and templates > 0
    # A cache-buster, tracking parameters, a share code: served from the copy.
    for query in ["?cb=1", "?cb=2", "?fbclid=abc&utm_source=x", "?src=wa", "?src=newsletter", ""]:
        response, queries, templates = visit(client, url + query)
        assert (response.status_code, queries, templates) == (200, 0, 0), query
    # After MICROCACHE_SECONDS the facts are read again, but they are the
    # same, so the page is not drawn again.
    clock.advance(1)
    response, queries, templates = visit(client, url + "?cb=3")
    assert queries > 0 and templates == 0
    assert response["ETag"] == first["ETag"]


def test_any_share_code_fills_the_form_of_the_one_copy_and_has_its_own_etag(client, petition):
    url = petition.get_absolute_url()
    plain = client.get(url)
    for code in ["wa", "link", "newsletter-june"]:
        response, queries, templates = visit(client, f"{url}?src={code}")
        page = response.content.decode()
        assert f'<input type="hidden" name="source" value="{code}" id="id_source">' in page
        assert (queries, templates) == (0, 0)
        assert response["ETag"] != plain["ETag"]
    assert 'name="source" value="" id="id_source"' in plain.content.decode()


def test_the_page_reads_its_parameters_as_the_proxy_keys_them(client, make_petition, signer_data):
    # The proxy keys its copy on the first signers= (any case); a page drawn
    # from a later one would be kept under the wrong key.
    petition = make_petition()
    for n in range(12):
        public_comment(petition, comment="", name=f"Signer{n:02} Last", email=f"s{n}@example.org")
    url = petition.get_absolute_url()
    assert "Signer11 L." in client.get(url + "?signers=1&signers=2").content.decode()
    assert "Signer01 L." in client.get(url + "?SIGNERS=2&signers=1").content.decode()
    assert "Signer11 L." in client.get(url + "?%73igners=2").content.decode()  # not the proxy's signers=
    request = RequestFactory().get("/", QUERY_STRING="src=a+b&Src=c&src")
    assert query_value(request, "src") == "a b" and query_value(request, "signers") is None


def test_the_forms_timestamp_stays_fresh_but_never_changes_the_etag(client, petition, clock):
    url = petition.get_absolute_url()
    first = client.get(url)
    clock.advance(30)
    later = client.get(url)
    assert later["ETag"] == first["ETag"]
    shown_at = signing.loads(started(later.content.decode()), salt=f"{FORM_STARTED_SALT}:{petition.pk}")
    assert shown_at == int(time.time())  # read with the facts, a moment ago
    assert started(later.content.decode()) != started(first.content.decode())
    # A copy revalidated for long would keep an old timestamp: the ETag
    # changes once per form_copy_seconds(), well inside the form's lifetime.
    clock.advance(form_copy_seconds())
    assert client.get(url)["ETag"] != first["ETag"]


def test_the_etag_follows_the_count_the_petition_the_signers_and_the_language(
    client, petition, signer_data, clock
):
    url = petition.get_absolute_url()
    etags = [client.get(url)["ETag"]]

    def changed():
        clock.advance(1)  # another process made the change: seen after the window
        etags.append(client.get(url)["ETag"])
        return etags[-1] != etags[-2]

    signature = services.signature_create(
        petition=petition, **signer_data(comment="Hello"), public=True
    ).signature
    assert changed()  # the count and the signers
    services.comments_set_hidden(signatures=[signature], hidden=True)
    assert changed()  # the page of signers
    petition.title = "A new title"
    petition.save()
    assert changed()  # the petition
    assert not changed()  # nothing
    with translation.override("es"):
        spanish = client.get(petition.get_absolute_url())
    assert spanish["ETag"] != etags[-1] and "/es/" in spanish.wsgi_request.path


def test_english_and_spanish_each_have_their_own_copy(client, make_petition):
    petition = make_petition(title="Fund the program", title_es="Financien el programa")
    english_url = petition.get_absolute_url()
    with translation.override("es"):
        spanish_url = petition.get_absolute_url()
    english = client.get(english_url)
    spanish, _, templates = visit(client, spanish_url)
    assert templates > 0 and "Financien el programa" in spanish.content.decode()
    assert "Fund the program" in client.get(english_url).content.decode()
    assert english["ETag"] != spanish["ETag"]


def test_a_process_that_took_a_signature_shows_it_at_once(client, petition, signer_data):
    url = reverse("petition:count_json", args=[petition.slug])
    before = client.get(url)
    response = client.post(
        reverse("petition:sign", args=[petition.slug]), {**form_fields(petition), **signer_data()}
    )
    assert response.status_code == 302
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 1
    assert after["ETag"] != before["ETag"]
    assert after["Cache-Control"] == PUBLIC


def test_a_change_made_elsewhere_is_shown_after_the_window(client, petition, signer_data, clock, settings):
    url = reverse("petition:count_json", args=[petition.slug])
    assert client.get(url).json()["count"] == 0
    services.signature_create(petition=petition, **signer_data())  # another process, as far as the page knows
    assert client.get(url).json()["count"] == 0
    clock.advance(settings.MICROCACHE_SECONDS)
    assert client.get(url).json()["count"] == 1


def test_a_deploy_that_changes_the_page_changes_the_etag(client, petition, settings):
    etag = client.get(petition.get_absolute_url())["ETag"]
    settings.SITE_URL = "https://new.example"
    caching.site_version.cache_clear()
    try:
        response = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    finally:
        caching.site_version.cache_clear()
    assert response.status_code == 200 and "https://new.example" in response.content.decode()


def test_the_privacy_page_is_one_copy_whatever_the_query_string(client, db):
    first = client.get(reverse("privacy") + "?cb=1")
    second, queries, templates = visit(client, reverse("privacy") + "?cb=2")
    assert (second.status_code, templates) == (200, 0) and second["Cache-Control"] == PUBLIC
    assert second.content == first.content and "cb=" not in first.content.decode()


def test_an_error_page_is_not_cached(client, db):
    response = client.get(reverse("petition:detail", args=["no-such-petition"]))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


FORM = {"name": "Ana Pérez", "email": "ana@example.org", "postal_code": "78205", "country": "US"}


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_it_refuses_a_form_posted_from_another_site(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # no browser sent it, so no visitor's browser was made to
    ],
)
def test_it_takes_a_form_posted_from_its_own_page_without_a_token(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 302
    assert Signature.objects.get().email == "ana@example.org"


def test_a_signed_in_organizers_csrf_token_never_reaches_an_anonymous_copy(petition, signer_data):
    public_comment(petition)  # so that the wall shows a report button
    organizer = Client()
    organizer.force_login(User.objects.create_superuser("organizer", "o@example.org", "x" * 16))
    organizer.get(reverse("admin:index"))  # the admin gives them a CSRF cookie
    secret = organizer.cookies["csrftoken"].value
    organizer.get(petition.get_absolute_url())
    page = Client().get(petition.get_absolute_url()).content.decode()
    assert "Keep families together" in page
    assert "csrfmiddlewaretoken" not in page
    assert secret not in page


def pending_message_cookie(text):
    """The cookie a visitor's browser holds while a flash message waits to be shown."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.INFO, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies[storage.cookie_name].value


def public_urls(petition):
    urls = []
    for language in ("en", "es"):
        with translation.override(language):
            urls += [
                reverse("home"),
                petition.get_absolute_url(),
                reverse("petition:count_json", args=[petition.slug]),
                petition.get_absolute_url() + "?signers=2",
            ]
    return urls


@pytest.mark.parametrize(
    "cookies",
    [
        {},
        {"django_language": "es"},
        {"django_language": "en"},
        {"messages": "pending"},
        {"django_language": "es", "messages": "pending"},
    ],
)
def test_no_publicly_cacheable_response_sets_a_cookie(petition, signer_data, cookies):
    public_comment(petition)
    seen_public = 0
    for url in public_urls(petition):
        client = Client()
        for name, value in cookies.items():
            client.cookies[name] = (
                pending_message_cookie("A note for one visitor") if value == "pending" else value
            )
        response = client.get(url)
        if "public" in response.get("Cache-Control", ""):
            seen_public += 1
            assert not response.cookies, (url, cookies)
            assert "A note for one visitor" not in response.content.decode()
    assert seen_public  # the rule was checked on a public page, not vacuously


def test_the_site_never_shows_or_clears_a_visitors_flash_messages(client, petition):
    # An organizer's admin message waits for their next admin page: no page
    # of the site reads messages, so none can enter a copy kept for everyone.
    client.cookies["messages"] = pending_message_cookie("A note for one visitor")
    for url in [
        petition.get_absolute_url(),
        "/",
        "/es/",
        reverse("privacy"),
        reverse("signatures:check_email", args=[petition.slug]),
        reverse("signatures:thanks", args=[petition.slug]),
        reverse("signatures:withdraw_request", args=[petition.slug]),
    ]:
        response = client.get(url, follow=True)
        assert "A note for one visitor" not in response.content.decode(), url
        assert "messages" not in response.cookies, url


class Fixed:
    """Facts that never change."""

    version = ("fixed",)


def one_page(request):
    return Shown(key=("test",), read=Fixed)


def sets_a_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("visitor", "one")
    return response


def varies_on_cookie(request):
    response = HttpResponse("hello")
    response["Vary"] = "Accept-Language, Cookie"
    return response


def uses_the_csrf_token(request):
    return HttpResponse(f"<input value='{get_token(request)}'>")


def renders_messages(request):
    messages.info(request, "Saved.")
    template = engines["django"].from_string("{% for m in messages %}{{ m }}{% endfor %}")
    return HttpResponse(template.render({"messages": messages.get_messages(request)}))


def reads_the_session(request):
    return HttpResponse(f"hello {request.session.get('name', '')}")


@pytest.mark.parametrize(
    "view", [sets_a_cookie, varies_on_cookie, uses_the_csrf_token, renders_messages, reads_the_session]
)
def test_a_per_visitor_response_is_neither_kept_nor_marked_public(caplog, view):
    calls = []

    def counted(request, facts):
        calls.append(request)
        return view(request)

    wrapped = cached_publicly(60, shown_by=one_page)(counted)
    for _ in range(2):
        request = RequestFactory().get("/per-visitor/")
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        with caplog.at_level(logging.WARNING, logger="petition.caching"):
            response = wrapped(request)
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"]
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert len(calls) == 2  # rendered each time: nothing was kept
    assert "/per-visitor/" in caplog.text


def test_a_response_the_same_for_everyone_is_kept_and_public(clock):
    calls = []

    def view(request, facts):
        calls.append(request)
        return HttpResponse("hello")

    wrapped = cached_publicly(60, shown_by=one_page)(view)
    for _ in range(2):
        response = wrapped(RequestFactory().get("/everyone/"))
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60, must-revalidate"
        assert response.content == b"hello"
    clock.advance(3600)  # kept for as long as its facts stay the same
    assert wrapped(RequestFactory().get("/everyone/")).content == b"hello"
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["check_email", "thanks", "withdraw_requested", "withdrawn"])
def test_pages_about_one_signer_are_private(client, petition, signer_data, name):
    client.post(reverse("petition:sign", args=[petition.slug]), signer_data())  # the signer cookie
    response = client.get(reverse(f"signatures:{name}", args=[petition.slug]))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control and "public" not in cache_control
