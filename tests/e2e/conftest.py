"""Browser tests: Playwright driving Debian's Chromium against the real site under gunicorn.

Chromium comes from the system package (`apt-get install chromium`; `make test`
and CI install it when missing), never from `playwright install`, which
downloads its own build. Without it these tests fail, they do not skip: a
suite that silently stops checking the pages people use is worse than a red one.
"""

import email
import email.policy
import os
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import sync_playwright

from tests.support.live import collect_static, free_port, gunicorn
from tests.support.mailtools import run_worker

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(make test does so when run as root), or set CHROMIUM to its path."
        )
    # Playwright's sync API keeps an event loop on the test thread for as long
    # as it runs; Django's ORM refuses to run beside one unless told that the
    # test itself wants this (the browser and the database are in other processes).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(django_db_setup):
    """The site under gunicorn with production settings, on the test database, for the whole run.

    Each test makes its own petition with `transaction=True`, so the server sees it.
    """
    collect_static()
    # One process, so that the page a browser opens after signing or
    # confirming comes from the process that took it, which shows it at once
    # (petition/caching.py); another would within MICROCACHE_SECONDS.
    with gunicorn(workers=1) as server:
        yield server


@pytest.fixture
def phone(browser, site):
    """A fresh phone-sized browser (its own cookies) pointed at the site."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=site.url, **{**PHONE, **options})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


class Mailbox:
    """What a local SMTP server received, as parsed email messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def deliver(self) -> list:
        """Run the worker until the queue is empty; the messages it sent."""
        with self.lock:
            seen = len(self.messages)
        run_worker()
        with self.lock:
            return self.messages[seen:]


@pytest.fixture
def mailbox(settings, site):
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "use_tls": False, "timeout": 10},
        }
    }
    # The worker writes absolute links: to the site the browser is using.
    settings.SITE_URL = site.url
    yield handler
    controller.stop()
