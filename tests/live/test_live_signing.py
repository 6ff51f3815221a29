"""Signing through gunicorn with production settings, over real HTTP."""

import pytest

from signatures.counting import count_for
from signatures.models import Signature
from tests.support.live import Browserless, collect_static, gunicorn


@pytest.fixture(scope="module")
def static_files():
    collect_static()


@pytest.mark.django_db(transaction=True)
def test_a_person_signs_through_gunicorn_and_is_counted(static_files, make_petition):
    petition = make_petition(goal=50)
    # One process: the one that took the signature shows it at once
    # (petition/caching.py); another would within MICROCACHE_SECONDS.
    with gunicorn(workers=1) as server:
        browser = Browserless(server.url)
        status, headers, _ = browser.sign(
            petition.get_absolute_url(),
            {"name": "Ana Live", "email": "ana@example.org", "postal_code": "10001", "country": "US"},
        )
        assert status == 302, server.log()
        assert headers["Location"].endswith(f"/petitions/{petition.slug}/thanks/")
        status, _, page = browser.get(petition.get_absolute_url())
        assert "1 has signed. Let’s get to 50!" in page
        status, _, body = Browserless(server.url).get(f"/petitions/{petition.slug}/count.json")
        assert body == '{"count": 1, "goal": 50}'
    assert Signature.objects.get(petition=petition).name == "Ana Live"
    assert count_for(petition) == 1


@pytest.mark.django_db(transaction=True)
def test_bad_input_through_gunicorn_gets_the_form_back_not_a_500(static_files, make_petition):
    petition = make_petition()
    with gunicorn(workers=1) as server:
        status, _, page = Browserless(server.url).sign(
            petition.get_absolute_url(),
            {"name": "x" * 5000, "email": "nope", "postal_code": "\x00", "country": "ZZ"},
        )
        assert status == 400, server.log()
        assert "Please check the form" in page
        assert "Traceback" not in page
    assert Signature.objects.count() == 0
