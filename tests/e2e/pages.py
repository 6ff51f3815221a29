"""What the browser tests do to every page they visit: keep a screenshot, run axe-core."""

from axe_playwright_python.sync_playwright import Axe

from tests.support.live import BASE_DIR

SCREENSHOTS = BASE_DIR / "test-results"


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


def sign(page, *, name: str, email_address: str, postal_code: str) -> None:
    """Fill in the signing form on the page as it is and send it (any language)."""
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email_address)
    page.locator("#id_postal_code").fill(postal_code)
    page.locator("form.sign-form button[type=submit]").click()
