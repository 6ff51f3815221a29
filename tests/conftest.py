import importlib
import itertools
import time
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from petition.models import Petition
from signatures import services
from signatures.abuse import form_started_token

_slugs = itertools.count()


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request leaves its language active in the thread; the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def own_rate_limit_counters(settings):
    """Each test counts rate limits under its own prefix: the Redis in CI is shared and outlives a run."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"


def form_fields(petition, **overrides) -> dict:
    """The hidden fields a browser sends back with a petition's sign form, shown a minute ago."""
    return {"started": form_started_token(petition, time.time() - 60), "website": "", **overrides}


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """Each test starts as a new process does, with no copy of a page kept from another test's data.

    The public pages are cached as in production (petition/caching.py); what a
    process keeps was read from one test's database, which is rolled back after it.
    """
    caches["pages"].clear()


@pytest.fixture
def make_petition(db):
    def make(**overrides) -> Petition:
        n = next(_slugs)
        fields = {
            "slug": f"test-petition-{n}",
            "title": f"Test petition {n}",
            "body": "Please sign.",
            "goal": 100,
            "status": Petition.Status.OPEN,
            "requires_confirmation": False,
        }
        fields.update(overrides)
        return Petition.objects.create(**fields)

    return make


@pytest.fixture
def petition(make_petition):
    return make_petition()


SEED_SLUG = "protect-migrant-children-and-families"


def seed_first_campaign():
    """Run the data migration that loads the first campaign, with today's models.

    A historical model would lack the columns added after the migration,
    which the table may require.
    """
    importlib.import_module("petition.migrations.0002_first_campaign").seed(apps, None)


@pytest.fixture
def seeded_petition(db):
    """The first campaign, made in this test by its data migration's own function.

    Transactional tests empty every table after they run, the migration's
    row with them, so tests that read the seed cannot rely on running first.
    """
    Petition.objects.filter(slug=SEED_SLUG).delete()
    seed_first_campaign()
    return Petition.objects.get(slug=SEED_SLUG)


@pytest.fixture
def signer_data():
    def data(**overrides) -> dict:
        fields = {
            "name": "María José Pérez",
            "email": "maria@example.org",
            "postal_code": "78205",
            "country": "US",
            "comment": "",
        }
        fields.update(overrides)
        return fields

    return data


@pytest.fixture
def client():
    return Client()


def public_comment(petition, signer_data, comment="Keep families together", **overrides):
    """A counted signature whose signer chose to show their name and comment."""
    return services.signature_create(petition=petition, **signer_data(comment=comment, **overrides), public=True).signature
