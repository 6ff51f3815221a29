"""The proxy in front of the site (compose.yaml's "proxy": ops/nginx/), on a local nginx.

The production template runs as the nginx image runs it (tests/support/nginx.py), in
front of the real site under gunicorn, which trusts one proxy as compose.yaml
sets it.
"""

import concurrent.futures
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import nginx
from tests.support.factories import public_comment
from tests.support.live import Browserless, Server, collect_static, free_port, gunicorn

pytestmark = pytest.mark.live


@dataclass
class Proxy:
    https_url: str
    http_url: str
    root: Path
    site: Server


@pytest.fixture(scope="module")
def proxy(django_db_setup, tmp_path_factory):
    """The site under gunicorn behind the production proxy."""
    collect_static()
    root = tmp_path_factory.mktemp("proxy")
    http_port, https_port = free_port(), free_port()
    env = {
        "SITE_URL": f"https://{nginx.DOMAIN}",
        "TRUSTED_PROXIES": nginx.COMPOSE["x-site"]["environment"]["TRUSTED_PROXIES"],
        # Long enough that the second request is surely within s-maxage.
        "CAMPAIGN_PAGE_MAX_AGE": "60",
        "COUNT_MAX_AGE": "60",
    }
    with gunicorn(workers=2, env=env, ready_path="/healthz") as site:
        conf = nginx.install(
            root,
            upstream=site.url.removeprefix("http://"),
            http=f"127.0.0.1:{http_port}",
            https=f"127.0.0.1:{https_port}",
        )
        with nginx.running(conf, root, http_port=http_port):
            yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", root, site)


@pytest.fixture
def browser(proxy, monkeypatch):
    """A client that trusts the test certificate (Python's default context reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(nginx.certificate(proxy.root)))
    return Browserless(proxy.https_url)


def requests_logged(site, path: str, method: str = "GET") -> int:
    """How many requests for path reached the site (its request log: "GET /path 200")."""
    return len(re.findall(rf" {method} {re.escape(path)} \d{{3}} ", site.log()))


@pytest.mark.django_db(transaction=True)
def test_the_campaign_page_and_count_json_are_kept_for_their_s_maxage(proxy, browser, make_petition):
    site = proxy.site
    petition = make_petition(goal=50)
    page = petition.get_absolute_url()
    count = f"/petitions/{petition.slug}/count.json"
    first = browser.get(page)
    assert first[0] == 200 and first[1]["X-Cache-Status"] == "MISS"
    assert "s-maxage=60" in first[1]["Cache-Control"]
    second = browser.get(page)
    assert second[1]["X-Cache-Status"] == "HIT" and second[2] == first[2]
    # Each answer has its own request id; the one that reached the site was logged with it.
    assert first[1]["X-Request-ID"] != second[1]["X-Request-ID"]
    assert f"[{first[1]['X-Request-ID']}] GET {page} 200" in site.log()
    assert browser.get(count)[1]["X-Cache-Status"] == "MISS"
    hit = browser.get(count)
    assert hit[1]["X-Cache-Status"] == "HIT" and hit[2] == '{"count": 0, "goal": 50}'
    assert requests_logged(site, page) == 1 and requests_logged(site, count) == 1


@pytest.mark.django_db(transaction=True)
def test_the_copy_is_keyed_on_the_parameters_the_page_reads(proxy, browser, make_petition):
    site = proxy.site
    page = make_petition().get_absolute_url()
    assert browser.get(page + "?cb=1")[1]["X-Cache-Status"] == "MISS"
    # A cache-buster or a tracker's parameter is the same copy.
    for query in ["?cb=2", "", "?fbclid=x&utm_source=y"]:
        assert browser.get(page + query)[1]["X-Cache-Status"] == "HIT", query
    # Each page of signers and each of the site's own share codes has its own.
    for query in ["?signers=2", "?src=wa&cb=3", "?src=link", "?signers=2&src=fb"]:
        assert [browser.get(page + query)[1]["X-Cache-Status"] for _ in range(2)] == ["MISS", "HIT"], query
    # Any other value reaches the site (which answers from its own copy), and is not kept.
    for query in ["?src=newsletter", "?signers=51", "?signers=02", "?src=WA"]:
        status, headers, body = browser.get(page + query)
        assert (status, headers["X-Cache-Status"]) == (200, "BYPASS"), query
    assert 'name="source" value="newsletter"' in browser.get(page + "?src=newsletter")[2]
    assert requests_logged(site, page) == 1 + 4 + 4 + 1


@pytest.mark.django_db(transaction=True)
def test_a_request_cannot_fill_the_copy_of_one_page_with_another(proxy, browser, make_petition, signer_data):
    # The proxy keys on the first signers= in any case ($arg_signers); the
    # site reads the same one (petition/caching.py, query_value).
    petition = make_petition()
    for n in range(11):
        public_comment(petition, comment="", name=f"Signer{n:02} Last", email=f"s{n}@example.org")
    page = petition.get_absolute_url()
    status, headers, body = browser.get(page + "?signers=2&signers=1")
    assert (status, headers["X-Cache-Status"]) == (200, "MISS") and "Signer00 L." in body
    status, headers, body = browser.get(page + "?signers=2")
    assert headers["X-Cache-Status"] == "HIT" and "Signer00 L." in body
    status, headers, body = browser.get(page + "?SIGNERS=1&signers=2")
    assert headers["X-Cache-Status"] == "MISS" and "Signer10 L." in body and "Signer00 L." not in body


@pytest.mark.django_db(transaction=True)
def test_a_storm_on_a_page_reaches_the_site_once(proxy, browser, make_petition):
    site = proxy.site
    page = make_petition().get_absolute_url()
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: browser.get(page), range(40)))
    assert {status for status, _, _ in answers} == {200}
    assert requests_logged(site, page) == 1


@pytest.mark.django_db(transaction=True)
def test_the_site_knows_it_is_served_over_https(proxy, browser, make_petition):
    # X-Forwarded-Proto reaches it and is believed (TRUSTED_PROXIES=1): HSTS
    # is sent only on a secure request, and the same-origin check of the sign
    # form compares the Origin with https://.
    page = make_petition().get_absolute_url()
    assert "Strict-Transport-Security" in browser.get(page)[1]


@pytest.mark.django_db(transaction=True)
def test_answers_for_one_visitor_are_never_kept(proxy, browser, make_petition, signer_data):
    petition = make_petition(requires_confirmation=True)
    for n in range(2):
        status, headers, _ = browser.sign(petition.get_absolute_url(), signer_data(email=f"p{n}@example.org"))
        assert status == 302 and headers["Location"].endswith("/check-email/")
    assert requests_logged(proxy.site, f"/petitions/{petition.slug}/sign/", "POST") == 2
    # The signer's own page (private), with the signer's own address.
    check_email = f"/petitions/{petition.slug}/check-email/"
    # (Three times: the first answer also sets the CSRF cookie the next ones send.)
    for _ in range(3):
        status, headers, page = browser.get(check_email)
        assert status == 200 and "p1@example.org" in page
        assert headers["X-Cache-Status"] == "MISS"
    # The language switch sets a cookie (asked by browsers without one).
    switch = f"/language/es/?next={petition.get_absolute_url()}"
    for _ in range(2):
        status, headers, _ = Browserless(proxy.https_url).get(switch)
        assert status == 302 and "Set-Cookie" in headers and headers["X-Cache-Status"] == "MISS"
    assert requests_logged(proxy.site, check_email) == 3 and requests_logged(proxy.site, "/language/es/") == 2


@pytest.mark.django_db(transaction=True)
def test_english_and_spanish_readers_each_get_their_own_page(proxy, browser, make_petition):
    petition = make_petition(
        title="Fund the program", title_es="Financien el programa", body="Sign.", body_es="Firme."
    )
    page = petition.get_absolute_url()
    english = {"Accept-Language": "en-US,en;q=0.9"}
    spanish = {"Accept-Language": "es-MX,es;q=0.9"}
    assert browser.get(page, headers=english)[1]["X-Cache-Status"] == "MISS"
    status, headers, body = browser.get(page, headers=english)
    assert (status, headers["X-Cache-Status"]) == (200, "HIT") and "Fund the program" in body
    # Not the English copy: the site's redirect to the Spanish page.
    status, headers, _ = browser.get(page, headers=spanish)
    assert status == 302 and headers["Location"] == f"/es{page}"
    for expected in ("MISS", "HIT"):
        status, headers, body = browser.get(f"/es{page}", headers=spanish)
        assert (status, headers["X-Cache-Status"]) == (200, expected) and "Financien el programa" in body
    # A reader who chose Spanish with the switch: the site sends them there too.
    status, headers, _ = browser.get(page, headers={**english, "Cookie": "django_language=es"})
    assert status == 302 and headers["Location"] == f"/es{page}"


def test_plain_http_is_sent_to_https_but_the_certificate_challenge(proxy):
    status, headers, _ = Browserless(proxy.http_url).get("/petitions/x/?page=2")
    assert status == 301 and headers["Location"] == f"https://{nginx.DOMAIN}/petitions/x/?page=2"
    challenge = proxy.root / "var/www/acme/.well-known/acme-challenge/t0ken"
    challenge.parent.mkdir(parents=True, exist_ok=True)
    challenge.write_text("t0ken.proof")
    assert Browserless(proxy.http_url).get("/.well-known/acme-challenge/t0ken")[::2] == (200, "t0ken.proof")


def test_nginx_accepts_the_production_configuration(tmp_path):
    # The real ports; the upstream's name only resolves on compose's network.
    conf = nginx.install(tmp_path, upstream="127.0.0.1:8000")
    result = nginx.check(conf, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_call_page_is_kept_for_everyone_but_a_signer_gets_their_own(
    proxy, browser, make_petition, congress
):
    petition = make_petition()
    call = f"/petitions/{petition.slug}/call/"
    assert browser.get(call)[1]["X-Cache-Status"] == "MISS"
    status, headers, page = browser.get(call)
    assert (status, headers["X-Cache-Status"]) == (200, "HIT") and "Show my members of Congress" in page
    # A visitor who types a ZIP (or signed) has the signer cookie: past the copy, their own page.
    signer = Browserless(proxy.https_url)
    status, headers, _ = signer.post(f"{call}find/", {"zip": "05401"})
    assert status == 302 and "05401" not in headers["Location"]
    for _ in range(2):
        status, headers, page = signer.get(call)
        assert (status, headers["X-Cache-Status"]) == (200, "BYPASS")
        assert "Representative Becca Balint" in page and "no-store" in headers["Cache-Control"]
    # And their page was not kept for the next visitor.
    status, headers, page = browser.get(call)
    assert headers["X-Cache-Status"] == "HIT" and "Becca Balint" not in page
