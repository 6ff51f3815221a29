"""The campaign page and count.json are the same for everyone, so browsers and CDNs can share them."""

import logging

import pytest
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from petition.caching import cached_publicly
from signatures import services
from signatures.models import Signature
from tests.conftest import public_comment


def test_the_campaign_page_sets_no_cookie_and_is_publicly_cacheable(client, petition):
    response = client.get(petition.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"
    assert response["ETag"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in response.content


def test_a_reload_with_the_same_etag_gets_304(client, petition, settings):
    # The page carries the bot trap's timestamp, which changes every second;
    # the process keeps the page for MICROCACHE_SECONDS (1 s in production),
    # so a reload within that window is the same body. Kept longer here, so
    # that the two requests never fall on either side of a second.
    settings.MICROCACHE_SECONDS = 60
    etag = client.get(petition.get_absolute_url())["ETag"]
    response = client.get(petition.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"


def test_a_new_signature_changes_the_etag(client, petition, signer_data):
    url = reverse("petition:count_json", args=[petition.slug])
    before = client.get(url)
    services.signature_create(petition=petition, **signer_data())
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 1
    assert after["ETag"] != before["ETag"]
    assert after["Cache-Control"] == "public, max-age=0, s-maxage=2, must-revalidate"


def test_each_process_reuses_a_rendered_count_for_its_microcache_lifetime(
    client, settings, petition, signer_data
):
    settings.MICROCACHE_SECONDS = 60
    caches["fragments"].clear()
    url = reverse("petition:count_json", args=[petition.slug])
    try:
        assert client.get(url).json()["count"] == 0
        services.signature_create(petition=petition, **signer_data())
        assert client.get(url).json()["count"] == 0
        caches["fragments"].clear()  # what the lifetime running out does
        assert client.get(url).json()["count"] == 1
    finally:
        caches["fragments"].clear()


def test_an_error_page_is_not_cached(client, db):
    response = client.get(reverse("petition:detail", args=["no-such-petition"]))
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


FORM = {"name": "Ana Pérez", "email": "ana@example.org", "postal_code": "78205", "country": "US"}


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
])
def test_it_refuses_a_form_posted_from_another_site(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
    {"HTTP_ORIGIN": "http://testserver"},
    {},  # no browser sent it, so no visitor's browser was made to
])
def test_it_takes_a_form_posted_from_its_own_page_without_a_token(client, petition, headers):
    response = client.post(reverse("petition:sign", args=[petition.slug]), FORM, **headers)
    assert response.status_code == 302
    assert Signature.objects.get().email == "ana@example.org"


def test_a_signed_in_organizers_csrf_token_never_reaches_an_anonymous_copy(petition, signer_data, microcache):
    public_comment(petition, signer_data)  # so that the wall shows a report button
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


@pytest.mark.parametrize("cookies", [
    {},
    {"django_language": "es"},
    {"django_language": "en"},
    {"messages": "pending"},
    {"django_language": "es", "messages": "pending"},
])
def test_no_publicly_cacheable_response_sets_a_cookie(petition, signer_data, microcache, cookies):
    public_comment(petition, signer_data)
    seen_public = 0
    for url in public_urls(petition):
        client = Client()
        for name, value in cookies.items():
            client.cookies[name] = pending_message_cookie("A note for one visitor") if value == "pending" else value
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
        petition.get_absolute_url(), "/", "/es/", reverse("privacy"),
        reverse("signatures:check_email", args=[petition.slug]),
        reverse("signatures:thanks", args=[petition.slug]),
        reverse("signatures:withdraw_request", args=[petition.slug]),
    ]:
        response = client.get(url, follow=True)
        assert "A note for one visitor" not in response.content.decode(), url
        assert "messages" not in response.cookies, url


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


@pytest.mark.parametrize("view", [sets_a_cookie, varies_on_cookie, uses_the_csrf_token, renders_messages, reads_the_session])
def test_a_per_visitor_response_is_neither_kept_nor_marked_public(settings, microcache, caplog, view):
    calls = []

    def counted(request):
        calls.append(request)
        return view(request)

    wrapped = cached_publicly(60)(counted)
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


def test_a_response_the_same_for_everyone_is_kept_and_public(settings, microcache):
    calls = []

    def view(request):
        calls.append(request)
        return HttpResponse("hello")

    wrapped = cached_publicly(60)(view)
    for _ in range(2):
        response = wrapped(RequestFactory().get("/everyone/"))
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60, must-revalidate"
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["check_email", "thanks", "withdraw_requested", "withdrawn"])
def test_pages_about_one_signer_are_private(client, petition, signer_data, name):
    client.post(reverse("petition:sign", args=[petition.slug]), signer_data())  # the signer cookie
    response = client.get(reverse(f"signatures:{name}", args=[petition.slug]))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control and "public" not in cache_control
