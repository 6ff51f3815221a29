"""Two app instances on different ports, one PostgreSQL and one Redis: a stateless web tier."""

import os
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from signatures.counting import count_for, recount
from signatures.models import Signature
from tests.support.live import Browserless, collect_static, gunicorn

SIGNERS = 12


@pytest.fixture(scope="module")
def shared_redis_env():
    collect_static()
    return {
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"test-two-instances-{secrets.token_hex(4)}",
    }


@pytest.mark.django_db(transaction=True)
def test_two_instances_signing_at_once_store_and_count_each_person_once(shared_redis_env, make_petition):
    petition = make_petition(goal=100)
    confirming = make_petition(requires_confirmation=True)
    path = petition.get_absolute_url()

    def sign(url, email):
        status, _headers, _body = Browserless(url).sign(
            path, {"name": "Two Ports", "email": email, "postal_code": "78205", "country": "US"}
        )
        return status

    with gunicorn(env=shared_redis_env) as one, gunicorn(env=shared_redis_env) as two:
        # Every person signs through both instances at the same moment, the
        # second time with their address written differently.
        jobs = [(one.url, f"person{i}@example.org") for i in range(SIGNERS)]
        jobs += [(two.url, f" Person{i}@Example.ORG ") for i in range(SIGNERS)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda job: sign(*job), jobs))
        assert statuses == [302] * len(jobs), one.log() + two.log()

        # The next page knows the signer (a signed cookie, same SECRET_KEY)
        # whichever instance the load balancer sends it to.
        browser = Browserless(one.url)
        status, headers, _ = browser.sign(
            confirming.get_absolute_url(),
            {"name": "Ana", "email": "ana.two@example.org", "postal_code": "78205", "country": "US"},
        )
        assert status == 302, one.log()
        browser.base_url = two.url
        status, _, page = browser.get(headers["Location"])
        assert status == 200, two.log()
        assert "ana.two@example.org" in page

    assert Signature.objects.filter(petition=petition).count() == SIGNERS
    assert count_for(petition) == SIGNERS
    assert recount(petition) == (SIGNERS, SIGNERS)
