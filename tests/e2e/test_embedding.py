"""A partner site frames the signing form: Ana signs inside the frame, confirms by email, and the
count moves; a site that is not a partner gets an empty frame.

The site runs on localhost and the partner pages on 127.0.0.1: two different
sites for the browser (cookies and Sec-Fetch-Site compare sites), as a
partner's domain and ours are.
"""

import contextlib
import dataclasses
import http.server
import threading

import pytest
from playwright.sync_api import expect

from petition.models import EmbedPartner
from signatures.counting import count_for
from signatures.models import Signature
from tests.e2e.pages import look_at, screenshot, text_link
from tests.support.live import collect_static, free_port, gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def site(django_db_setup):
    """The site at http://localhost:<port>, with a few workers.

    Not the shared one-worker site: a page on another site framing this one
    makes Chromium open a spare connection, which a lone sync worker would
    wait on for its whole timeout (nginx takes those in production).
    """
    collect_static()
    with gunicorn(workers=3) as server:
        yield dataclasses.replace(server, url=server.url.replace("127.0.0.1", "localhost"))


@contextlib.contextmanager
def partner_site(frame_url: str):
    """A partner's page that frames frame_url, served at http://127.0.0.1:<port>/."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head>'
        f'<body><h1>Our allies</h1><iframe src="{frame_url}" title="Sign the petition" '
        'width="100%" height="900" style="border:0"></iframe></body></html>'
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_ana_signs_on_a_partner_site_inside_the_frame(browser, site, mailbox, make_petition):
    petition = make_petition(title="Keep the clinic open", goal=10, requires_confirmation=True)
    embed_url = f"{site.url}/petitions/{petition.slug}/embed/?src=ally"
    with partner_site(embed_url) as partner, partner_site(embed_url) as stranger:
        EmbedPartner.objects.create(petition=petition, name="Ally", origin=partner, source="ally")
        context = browser.new_context(viewport={"width": 375, "height": 900})
        page = context.new_page()
        page.goto(partner)
        frame = page.frame_locator("iframe")
        expect(frame.locator("h1")).to_have_text("Keep the clinic open")
        expect(frame.locator(".progress-text")).to_have_text("0 have signed. Let’s get to 10!")
        frame.locator("#id_name").fill("Ana Lucía Gómez")
        frame.locator("#id_email").fill("ana@example.org")
        frame.locator("#id_postal_code").fill("05401")
        frame.locator("form.sign-form button[type=submit]").click()

        # The next page opens in the frame, and reads the signer cookie there.
        expect(frame.locator("h1")).to_have_text("Check your email")
        expect(frame.locator("main")).to_contain_text("We sent a message to ana@example.org.")
        assert page.url.startswith(partner)
        screenshot(page, "embed-check-email-in-frame")

        (message,) = mailbox.deliver()
        inbox = context.new_page()
        inbox.goto(text_link(message, "confirm"))
        inbox.get_by_role("button", name="Confirm my signature").click()
        expect(inbox.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
        assert count_for(petition) == 1
        assert Signature.objects.get(petition=petition).source == "ally"

        page.reload()
        expect(page.frame_locator("iframe").locator(".progress-text")).to_have_text(
            "1 has signed. Let’s get to 10!"
        )
        screenshot(page, "embed-partner-after")

        # A site that is not a partner: Chromium refuses to show the page in its frame.
        refused = context.new_page()
        refused.goto(stranger)
        refused.wait_for_load_state("load")
        (child,) = [frame for frame in refused.frames if frame != refused.main_frame]
        assert not child.url.startswith(site.url), child.url
        assert refused.frame_locator("iframe").locator("#id_name").count() == 0
        screenshot(refused, "embed-refused")
        context.close()


def test_the_embed_page_on_its_own_is_accessible_at_320px(phone, make_petition):
    petition = make_petition(title="Keep the clinic open", goal=10)
    page = phone(viewport={"width": 320, "height": 800})
    page.goto(f"/petitions/{petition.slug}/embed/")
    look_at(page, "embed-320-en")
    page.goto(f"/es/petitions/{petition.slug}/embed/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    look_at(page, "embed-320-es")
