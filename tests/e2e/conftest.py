"""Browser tests: Playwright driving Debian's Chromium against the real site under gunicorn.

Chromium comes from the system package (`apt-get install chromium`; `make test`
and CI install it when missing), never from `playwright install`, which
downloads its own build. Without it these tests fail, they do not skip: a
suite that silently stops checking the pages people use is worse than a red one.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.live import BASE_DIR, collect_static, gunicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = BASE_DIR / "test-results"
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Playwright's sync API keeps an event loop on the test thread; Django's ORM
# refuses to run beside one unless told that this is a test's own doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(make test does so when run as root), or set CHROMIUM to its path."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(django_db_setup):
    """The site under gunicorn with production settings, on the test database, for the whole run.

    Each test makes its own petition with `transaction=True`, so the server sees it.
    """
    collect_static()
    with gunicorn(workers=2) as server:
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


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: " + "\n".join(bad)
