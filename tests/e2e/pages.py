"""What the browser tests do to every page they visit: keep a screenshot, run axe-core."""

import re

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


def text_link(message, name: str) -> str:
    """The absolute confirm or withdraw link in the email's plain-text part."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S+/{name}/[^/\s]+/", text)
    assert match, text
    return match.group(0)


def look_at(page, name: str) -> None:
    """Keep a screenshot and check what a person (or a screen reader) meets on the page.

    It fits the phone's width, shows no template syntax (a comment tag
    Django did not recognise once printed itself in every page's header),
    and axe-core finds no serious or critical violation.
    """
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], name
    shown = page.locator("body").inner_text()
    assert not re.search(r"\{[#%{]|[#%}]\}", shown), f"{name}: template syntax on the page:\n{shown}"
    assert_accessible(page, name)
