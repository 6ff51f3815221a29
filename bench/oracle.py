"""Can a stranger tell from the answer's time whether an address signed? (`make oracle`)

The probe an attacker would run, against the real site under gunicorn with
production settings on a fresh database of its own (as `make bench` does, with
the rate limits lifted so that nothing is refused). It signs ADDRESSES
addresses, then POSTs each of them and as many addresses that never signed to
every form that takes an address, TRIES times each, in random order, and
prints for each form the median time of each kind and how many addresses a
threshold halfway between the two medians classifies right. About half right
is a coin toss: the form does not tell. Run by hand; not part of the tests.

    ORACLE_ADDRESSES=20 ORACLE_TRIES=15 .venv/bin/python bench/oracle.py
"""

import http.client
import os
import random
import re
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

ADDRESSES = int(os.environ.get("ORACLE_ADDRESSES", "20"))
TRIES = int(os.environ.get("ORACLE_TRIES", "15"))
RUN = secrets.token_hex(3)


class Browser:
    """One keep-alive connection with its cookies, sending what a browser sends."""

    def __init__(self, url):
        self.host = urlsplit(url).netloc
        self.connection = http.client.HTTPConnection(self.host, timeout=30)
        self.cookies = {}

    def request(self, method, path, form=None) -> tuple[int, str, float]:
        headers = {
            "Host": self.host,
            "Sec-Fetch-Site": "same-origin",
            "Origin": f"http://{self.host}",
            "Referer": f"http://{self.host}{path}",
            "User-Agent": "Mozilla/5.0 (oracle probe) Firefox/140.0",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, elapsed

    def hidden(self, path, name) -> str:
        _status, text, _elapsed = self.request("GET", path)
        match = re.search(rf'name="{name}" value="([^"]*)"', text)
        return match.group(1) if match else ""


def main():
    from bench.run import Gunicorn, bench_environment

    env = bench_environment()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from petition.models import Petition
    from signatures import services

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    petition = Petition.objects.featured()
    Petition.objects.filter(pk=petition.pk).update(requires_confirmation=True)
    petition.refresh_from_db()
    signed = [f"signed-{RUN}-{n}@example.org" for n in range(ADDRESSES)]
    never = [f"never-{RUN}-{n}@example.org" for n in range(ADDRESSES)]
    for email in signed:
        services.signature_create(petition=petition, name="Probe Signer", email=email, postal_code="05401")
    connection.close()

    slug = petition.slug
    with Gunicorn(env) as server:
        browser = Browser(server.url)
        forms = {
            "withdraw request": (f"/petitions/{slug}/withdraw/", f"/petitions/{slug}/withdraw/"),
            "send again": (f"/petitions/{slug}/check-email/", f"/petitions/{slug}/send-again/"),
        }
        results = {}
        for name, (page, action) in forms.items():
            token = browser.hidden(page, "csrfmiddlewaretoken")
            results[name] = probe(
                browser,
                signed,
                never,
                lambda email, action=action, token=token: (
                    action,
                    {
                        "csrfmiddlewaretoken": token,
                        "email": email,
                    },
                ),
            )
        # Signing: an address that signed before against one signing for the
        # first time (a fresh one every try, as a first signature always is).
        started = browser.hidden(f"/petitions/{slug}/", "started")
        time.sleep(4)  # past the bot trap's minimum fill time
        fresh = (f"new-{RUN}-{n}@example.org" for n in range(10**9))
        form = {
            "name": "Probe Signer",
            "postal_code": "05401",
            "country": "US",
            "started": started,
            "website": "",
        }
        results["sign"] = probe(
            browser,
            signed,
            never,
            lambda email: (f"/petitions/{slug}/sign/", {**form, "email": email}),
            first_time=lambda _email: next(fresh),
        )
    report(results)


def probe(browser, signed, never, make_request, first_time=None) -> dict:
    """Time every address TRIES times in random order; per address, the median in ms."""
    plan = [(email, True) for email in signed] + [(email, False) for email in never]
    plan *= TRIES
    random.shuffle(plan)
    times = {email: [] for email in signed + never}
    statuses = set()
    for email, _ in plan[: len(plan) // 10]:  # warm up: connections, caches, prepared statements
        browser.request("POST", *make_request(email))
    for email, has_signed in plan:
        sent = email if has_signed or first_time is None else first_time(email)
        status, _text, elapsed = browser.request("POST", *make_request(sent))
        statuses.add(status)
        times[email].append(elapsed * 1000)
    per_address = {email: statistics.median(values) for email, values in times.items()}
    signed_ms = statistics.median(per_address[email] for email in signed)
    never_ms = statistics.median(per_address[email] for email in never)
    threshold = (signed_ms + never_ms) / 2
    slower_if_signed = signed_ms > never_ms
    right = sum(
        (per_address[email] > threshold) == (slower_if_signed == (email in signed)) for email in per_address
    )
    return {
        "signed": signed_ms,
        "never": never_ms,
        "right": right,
        "of": len(per_address),
        "statuses": statuses,
    }


def report(results):
    print(f"\n{ADDRESSES} addresses that signed, {ADDRESSES} that never did, {TRIES} tries each\n")
    print("| form | median, signed | median, never signed | classified right | statuses |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {r['signed']:.2f} ms | {r['never']:.2f} ms | {r['right']} of {r['of']} "
            f"| {', '.join(map(str, sorted(r['statuses'])))} |"
        )


if __name__ == "__main__":
    main()
