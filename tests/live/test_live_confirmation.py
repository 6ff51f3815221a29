"""Confirming and withdrawing through gunicorn with production settings, as a browser would (CSRF included)."""

import re

import pytest
from django.core import mail

from signatures.counting import count_for
from signatures.models import Signature
from tests.support.live import Browserless, collect_static, gunicorn
from tests.support.mailtools import link, run_worker


def post_form(browser, path, data=None):
    """GET a page and POST its form (its fields as data gives them) with the CSRF token it carries."""
    status, _headers, html = browser.get(path)
    assert status == 200, status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return browser.post(path, {**(data or {}), "csrfmiddlewaretoken": token})


@pytest.mark.django_db(transaction=True)
def test_a_person_signs_confirms_and_withdraws_through_gunicorn(make_petition, signer_data):
    collect_static()
    petition = make_petition(requires_confirmation=True)
    with gunicorn(workers=1) as server:
        browser = Browserless(server.url)
        status, headers, _ = browser.sign(petition.get_absolute_url(), signer_data())
        assert status == 302 and headers["Location"].endswith("/check-email/")
        assert count_for(petition) == 0

        run_worker()
        (message,) = mail.outbox
        choices = {name: value for name, value in signer_data().items() if name != "email"}
        status, headers, _ = post_form(browser, link(message, "confirm"), choices)
        assert status == 302 and headers["Location"].endswith("/thanks/")
        assert Signature.objects.get().status == Signature.Status.CONFIRMED
        assert count_for(petition) == 1

        # A POST without the CSRF token (a forged cross-site request) is refused.
        status, _, _ = Browserless(server.url).post(link(message, "withdraw"), {})
        assert status == 403
        status, headers, _ = post_form(browser, link(message, "withdraw"))
        assert status == 302 and headers["Location"].endswith("/withdraw/done/")
    assert Signature.objects.count() == 0
    assert count_for(petition) == 0
