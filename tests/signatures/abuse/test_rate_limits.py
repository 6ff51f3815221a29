"""Signing limits per address, per email and per petition; allow-list; fail open without a cache."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from signatures.abuse.ratelimits import DEVICE_COOKIE
from signatures.abuse.signals import client_ip
from signatures.models import AllowListEntry, Signature, SignerRequest
from tests.support import factories
from tests.support.live import free_port


def sign(petition, email, *, ip="198.51.100.7", **headers):
    """Sign from a new browser at address ip (the limits count per address, email and browser)."""
    return factories.sign(Client(REMOTE_ADDR=ip, **headers), petition, name="Ana", email=email)


def test_it_refuses_the_signature_over_the_burst_limit_with_429_and_stores_nothing(make_petition):
    petition = make_petition(ip_burst_limit=3)
    for n in range(3):
        assert sign(petition, f"p{n}@example.org").status_code == 302
    response = sign(petition, "p3@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert not Signature.objects.filter(email="p3@example.org").exists()
    assert Signature.objects.count() == 3


def test_the_429_page_is_in_spanish_for_spanish_readers(make_petition):
    petition = make_petition(ip_burst_limit=1)
    sign(petition, "a@example.org")
    with translation.override("es"):
        response = sign(petition, "b@example.org")
    assert response.status_code == 429
    assert '<html lang="es">' in response.content.decode()


def test_the_hourly_limit_holds_when_the_burst_limit_is_higher(make_petition):
    petition = make_petition(ip_burst_limit=100, ip_hourly_limit=2)
    assert [sign(petition, f"h{n}@example.org").status_code for n in range(3)] == [302, 302, 429]


def test_limits_are_per_petition_and_per_address(make_petition):
    one, two = make_petition(ip_burst_limit=1), make_petition(ip_burst_limit=1)
    assert sign(one, "a@example.org").status_code == 302
    assert sign(two, "a@example.org").status_code == 302
    assert sign(one, "b@example.org", ip="198.51.100.8").status_code == 302
    assert sign(one, "c@example.org").status_code == 429


def test_ipv6_addresses_in_one_64_share_a_limit(make_petition):
    petition = make_petition(ip_burst_limit=1)
    assert sign(petition, "a@example.org", ip="2001:db8:1:2::1").status_code == 302
    assert sign(petition, "b@example.org", ip="2001:db8:1:2::ffff").status_code == 429
    assert sign(petition, "c@example.org", ip="2001:db8:1:3::1").status_code == 302


def test_the_same_email_is_limited_whatever_the_address_and_spelling(make_petition):
    petition = make_petition(email_hourly_limit=2)
    codes = [
        sign(petition, email, ip=f"198.51.100.{n}").status_code
        for n, email in enumerate(["ana.p@gmail.com", "anap+x@gmail.com", "ANAP@googlemail.com"])
    ]
    assert codes == [302, 302, 429]


def test_an_allow_listed_network_skips_the_address_limits_but_not_the_email_limit(make_petition):
    petition = make_petition(ip_burst_limit=2, email_hourly_limit=1)
    AllowListEntry.objects.create(
        network="198.51.100.0/24", expires_at=timezone.now() + timedelta(hours=3), note="Rally"
    )
    assert all(sign(petition, f"r{n}@example.org").status_code == 302 for n in range(5))
    assert sign(petition, "r0@example.org").status_code == 429
    assert Signature.objects.count() == 5


def test_an_expired_allow_list_entry_no_longer_applies(make_petition):
    petition = make_petition(ip_burst_limit=1)
    AllowListEntry.objects.create(
        network="198.51.100.7", expires_at=timezone.now() - timedelta(minutes=1), note="Yesterday"
    )
    assert [sign(petition, f"x{n}@example.org").status_code for n in range(2)] == [302, 429]


def test_a_spoofed_forwarded_for_header_is_ignored_without_trusted_proxies(make_petition, settings):
    settings.TRUSTED_PROXIES = 0
    petition = make_petition(ip_burst_limit=1)
    codes = [
        sign(petition, f"s{n}@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(2)
    ]
    assert codes == [302, 429]


def test_behind_one_proxy_only_the_rightmost_forwarded_address_counts(make_petition, settings):
    settings.TRUSTED_PROXIES = 1
    petition = make_petition(ip_burst_limit=1)
    # The client writes whatever it likes on the left; the proxy appends the real address.
    codes = [
        sign(
            petition, f"s{n}@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.50"
        ).status_code
        for n in range(2)
    ]
    assert codes == [302, 429]
    assert (
        sign(petition, "t@example.org", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 302
    )


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "203.0.113.9", "198.51.100.7"),
        (1, "203.0.113.9", "203.0.113.9"),
        (2, "1.1.1.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "198.51.100.7"),  # fewer entries than proxies: misconfigured
        (1, "not-an-ip", "198.51.100.7"),
        (1, "", "198.51.100.7"),
    ],
)
def test_client_ip_reads_forwarded_for_from_the_right(rf, settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_signing_goes_on_unlimited_when_the_cache_is_down(make_petition, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    petition = make_petition(ip_burst_limit=1, email_hourly_limit=1)
    with caplog.at_level(logging.WARNING, logger="signatures.abuse.ratelimits"):
        codes = [sign(petition, f"d{n}@example.org").status_code for n in range(3)]
    assert codes == [302, 302, 302]
    assert Signature.objects.filter(petition=petition).count() == 3
    # One warning per request: after the first failure its other limits skip the cache.
    assert caplog.text.count("cache is unavailable") == 3


def test_admin_sign_in_is_rate_limited(db, settings):
    settings.ADMIN_LOGIN_LIMIT = 2
    client = Client(REMOTE_ADDR="198.51.100.9")
    url = reverse("admin:login")
    codes = [client.post(url, {"username": f"u{n}", "password": "wrong"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_admin_sign_in_is_limited_per_username_across_addresses(db, settings):
    settings.ADMIN_LOGIN_LIMIT = 2
    url = reverse("admin:login")
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(url, {"username": "boss", "password": "x"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_ipv4_clients_seen_through_a_dual_stack_socket_are_limited_one_by_one(make_petition):
    petition = make_petition(ip_burst_limit=1)
    assert sign(petition, "a@example.org", ip="::ffff:198.51.100.7").status_code == 302
    assert sign(petition, "b@example.org", ip="::ffff:198.51.100.8").status_code == 302
    assert sign(petition, "c@example.org", ip="198.51.100.7").status_code == 429


def test_organizers_see_and_edit_the_limits_on_the_petition_admin_page(client, petition):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", None))
    html = client.get(reverse("admin:petition_petition_change", args=[petition.pk])).content.decode()
    for field, default in [("ip_burst_limit", 30), ("ip_hourly_limit", 600), ("email_hourly_limit", 5)]:
        assert f'name="{field}" value="{default}"' in html


ADDRESS_FORMS = ["signatures:send_again", "signatures:withdraw_request"]


def ask(petition, view, email, *, ip="198.51.100.7"):
    return Client(REMOTE_ADDR=ip).post(reverse(view, args=[petition.slug]), {"email": email})


@pytest.mark.parametrize("view", ADDRESS_FORMS)
def test_the_forms_that_take_an_address_are_limited_per_client_address(make_petition, view):
    petition = make_petition(requires_confirmation=True)
    assert [ask(petition, view, f"a{n}@example.org").status_code for n in range(10)] == [302] * 10
    response = ask(petition, view, "a10@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert SignerRequest.objects.count() == 10
    assert ask(petition, view, "a10@example.org", ip="198.51.100.8").status_code == 302


@pytest.mark.parametrize("view", ADDRESS_FORMS)
def test_the_forms_that_take_an_address_are_limited_per_email_whatever_the_client(make_petition, view):
    petition, other = make_petition(requires_confirmation=True), make_petition(requires_confirmation=True)
    spellings = ["maria@example.org", "MARIA@example.org", " Maria@Example.org "]
    statuses = [ask(petition, view, spellings[n % 3], ip=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [302] * 5
    assert ask(petition, view, "maria@example.org", ip="203.0.113.9").status_code == 429
    assert SignerRequest.objects.count() == 5
    assert ask(other, view, "maria@example.org", ip="203.0.113.9").status_code == 302  # per petition


def test_an_allow_listed_network_skips_the_address_form_limit_per_client_but_not_per_email(make_petition):
    petition = make_petition(requires_confirmation=True)
    AllowListEntry.objects.create(
        network="198.51.100.0/24", expires_at=timezone.now() + timedelta(hours=2), note="Rally"
    )
    statuses = [ask(petition, "signatures:send_again", f"a{n}@example.org").status_code for n in range(12)]
    assert statuses == [302] * 12
    statuses = [ask(petition, "signatures:send_again", "same@example.org").status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


ORGANIZER_PASSWORD = "a long organizer passphrase"


@pytest.fixture
def organizer(db):
    return User.objects.create_user("organizer", password=ORGANIZER_PASSWORD, is_staff=True)


def sign_in(client, username="organizer", password=ORGANIZER_PASSWORD, **extra):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **extra)


def signed_in_before(address="203.0.113.5") -> Client:
    """A browser the organizer signed in with (and signed out of) earlier."""
    browser = Client(REMOTE_ADDR=address)
    assert sign_in(browser).status_code == 302
    browser.post(reverse("admin:logout"))
    assert "_auth_user_id" not in browser.session
    return browser


def test_failures_from_many_addresses_do_not_lock_the_organizer_out_of_a_browser_they_used(organizer):
    browser = signed_in_before()
    codes = [sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), password="guess").status_code for n in range(80)]
    assert codes[-1] == 429  # the account is locked for clients it has never signed in with
    assert sign_in(browser).status_code == 302
    assert browser.session["_auth_user_id"] == str(organizer.pk)


def test_without_a_device_cookie_the_account_limit_still_refuses(organizer, settings):
    settings.ADMIN_LOGIN_LIMIT = 3
    for n in range(3):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), password="guess")
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9")).status_code == 429


def test_a_forged_or_foreign_device_cookie_counts_as_none(organizer, settings):
    settings.ADMIN_LOGIN_LIMIT = 3
    browser = signed_in_before()
    cookie = browser.cookies[DEVICE_COOKIE]
    User.objects.create_user("boss", password=ORGANIZER_PASSWORD, is_staff=True)
    for n in range(3):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), password="guess")
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), username="boss", password="guess")
    forged = Client(REMOTE_ADDR="203.0.113.6")
    forged.cookies[DEVICE_COOKIE] = cookie.value.replace("organizer", "organizes")
    assert sign_in(forged).status_code == 429
    # A device cookie vouches for the account it signed in to, not for another.
    assert sign_in(browser, username="boss").status_code == 429


def test_a_device_cookie_has_its_own_limit(organizer, settings):
    settings.ADMIN_LOGIN_LIMIT = 3
    browser = signed_in_before()
    # From four addresses, so that only the device's own count can refuse.
    codes = [sign_in(browser, password="guess", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    # Only that device is held back: the organizer's other browsers are not.
    assert sign_in(signed_in_before("203.0.113.7")).status_code == 302


def test_the_device_cookie_is_signed_httponly_long_lived_and_only_for_admin(organizer, settings):
    browser = Client(REMOTE_ADDR="203.0.113.5")
    cookie = sign_in(browser).cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 90 * 24 * 3600
    assert cookie["path"] == "/" + settings.ADMIN_URL
    assert "organizer" in cookie.value and ":" in cookie.value  # signed: value:signature
    assert DEVICE_COOKIE not in sign_in(Client(), password="guess").cookies
