"""The proxy in front of the site (compose.yaml's "proxy": ops/nginx/), on a local nginx.

The production template runs here as the nginx image runs it: rendered with
DOMAIN, the files compose.yaml mounts placed where it mounts them (under a
temporary root), a self-signed certificate for DOMAIN. Only the listening
ports, the upstream address and that root differ; upstream is the real site
under gunicorn, trusting one proxy as compose.yaml sets it.
"""

import concurrent.futures
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.live import BASE_DIR, Browserless, Server, collect_static, free_port, gunicorn

DOMAIN = "petition.test"
COMPOSE = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())
PROXY = COMPOSE["services"]["proxy"]
# The folders of the nginx image that compose.yaml and the template use.
IMAGE_FOLDERS = ("/etc/nginx/", "/var/cache/nginx/", "/var/www/", "/docker-entrypoint.d/")
# Whatever nginx writes besides them goes under the root too.
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def find_nginx() -> str:
    # Debian puts it in /usr/sbin, not on every user's PATH.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        pytest.fail("These tests run nginx: `make nginx` (as root) or `apt-get install nginx-light`.")
    return found


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"the template no longer has {old!r}"
    return text.replace(old, new)


def install(root: Path, *, upstream: str, http: str = "80", https: str = "443") -> Path:
    """The proxy's files as the container sees them, under root; the nginx.conf that includes them."""
    for mount in PROXY["volumes"]:
        source, target = mount.split(":")[:2]
        place = root / target.lstrip("/")
        if source.startswith("./") and (BASE_DIR / source).exists():
            place.parent.mkdir(parents=True, exist_ok=True)
            place.symlink_to(BASE_DIR / source)
        else:  # a named volume, or ./certs (the operator's)
            place.mkdir(parents=True, exist_ok=True)
    live = root / "etc/nginx/certs/live" / DOMAIN
    live.mkdir(parents=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN},IP:127.0.0.1",
         "-keyout", live / "privkey.pem", "-out", live / "fullchain.pem"],
        check=True, capture_output=True,
    )
    # The image's envsubst, with DOMAIN the only variable of the template set.
    template = root / "etc/nginx/templates/default.conf.template"
    text = template.read_text().replace("${DOMAIN}", DOMAIN)
    text = swap(text, "server web:8000;", f"server {upstream};")
    text = swap(text, "listen 80;", f"listen {http};")
    text = swap(text, "listen 443 ssl", f"listen {https} ssl")
    for folder in IMAGE_FOLDERS:
        text = re.sub(rf"(?<=\s){re.escape(folder)}", f"{root}{folder}", text)
    site = root / "etc/nginx/conf.d/default.conf"
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(text)
    (root / "var/cache/nginx").mkdir(parents=True, exist_ok=True)
    temp = "\n".join(f"    {name}_temp_path {root}/var/cache/nginx/{name}_temp;" for name in TEMP_PATHS)
    conf = root / "etc/nginx/nginx.conf"
    # As the image's nginx.conf: the site's file inside the http block. As root,
    # the workers keep root's rights to read this temporary tree.
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 2;\npid {root}/nginx.pid;\nevents {{ worker_connections 512; }}\n"
        + f"http {{\n{temp}\n    include {site};\n}}\n"
    )
    return conf


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/acme-challenge/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


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
        "SITE_URL": f"https://{DOMAIN}", "TRUSTED_PROXIES": COMPOSE["x-site"]["environment"]["TRUSTED_PROXIES"],
        # Long enough that the second request is surely within s-maxage.
        "CAMPAIGN_PAGE_MAX_AGE": "60", "COUNT_MAX_AGE": "60",
    }
    with gunicorn(workers=2, env=env, ready_path="/healthz") as site:
        conf = install(
            root, upstream=site.url.removeprefix("http://"),
            http=f"127.0.0.1:{http_port}", https=f"127.0.0.1:{https_port}",
        )
        log = root / "error.log"
        process = subprocess.Popen(
            [find_nginx(), "-p", str(root), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(http_port, process, log)
            yield Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", root, site)
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture
def browser(proxy, monkeypatch):
    """A client that trusts the test certificate (Python's default context reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(proxy.root / "etc/nginx/certs/live" / DOMAIN / "fullchain.pem"))
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
    assert browser.get(count)[1]["X-Cache-Status"] == "MISS"
    hit = browser.get(count)
    assert hit[1]["X-Cache-Status"] == "HIT" and hit[2] == '{"count": 0, "goal": 50}'
    assert requests_logged(site, page) == 1 and requests_logged(site, count) == 1


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
    assert status == 301 and headers["Location"] == f"https://{DOMAIN}/petitions/x/?page=2"
    challenge = proxy.root / "var/www/acme/.well-known/acme-challenge/t0ken"
    challenge.parent.mkdir(parents=True, exist_ok=True)
    challenge.write_text("t0ken.proof")
    assert Browserless(proxy.http_url).get("/.well-known/acme-challenge/t0ken")[::2] == (200, "t0ken.proof")


def test_nginx_accepts_the_production_configuration(tmp_path):
    # The real ports and the upstream's name are left as they are but for the
    # name, which only compose's network resolves.
    conf = install(tmp_path, upstream="127.0.0.1:8000")
    result = subprocess.run(
        [find_nginx(), "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
