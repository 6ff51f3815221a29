import time
import uuid
from pathlib import Path

import django_ratelimit.core
import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from petition.models import Petition

# The helpers' asserts explain their failures as a test's do.
pytest.register_assert_rewrite("tests.support")

from tests.support import factories  # noqa: E402

# The tests that start servers (gunicorn, nginx, a browser) are marked by their directory
# (a module elsewhere that starts one marks itself `live`); `make test-fast` leaves them out.
TESTS = Path(__file__).parent
MARKED_DIRECTORIES = {
    "live": pytest.mark.live,
    "e2e": pytest.mark.e2e,
    "reliability": pytest.mark.reliability,
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(TESTS):
            marker = MARKED_DIRECTORIES.get(item.path.relative_to(TESTS).parts[0])
            if marker:
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests render templates without running collectstatic first.

    And serve no static file in process: with no STATIC_ROOT, WhiteNoise does
    not read the staticfiles folder, which a test of the image's build step
    rewrites while another test process runs (pytest-xdist).
    """
    settings.STATIC_ROOT = None
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


class _StoppedClock:
    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def one_rate_limit_window(monkeypatch):
    """Every request of a test falls in the same rate-limit window.

    django-ratelimit counts in fixed windows that end at a moment of its own
    for each key; a test that crossed one would see its count start again
    (a login limit test failed that way, now and then). Only the library's
    clock stops: the site and the database keep the real time.
    """
    monkeypatch.setattr(django_ratelimit.core, "time", _StoppedClock())


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    """Each test starts as a new process does, with no copy of a page kept from another test's data.

    The public pages are cached as in production (petition/caching.py); what a
    process keeps was read from one test's database, which is rolled back after it.
    """
    caches["pages"].clear()


@pytest.fixture
def make_petition(db):
    return factories.make_petition


@pytest.fixture
def petition(make_petition):
    return make_petition()


@pytest.fixture
def seeded_petition(db):
    """The first campaign, made in this test by its data migration's own function.

    Transactional tests empty every table after they run, the migration's
    row with them, so tests that read the seed cannot rely on running first.
    """
    Petition.objects.filter(slug=factories.SEED_SLUG).delete()
    factories.seed_first_campaign()
    return Petition.objects.get(slug=factories.SEED_SLUG)


@pytest.fixture
def signer_data():
    return factories.signer_data


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def congress(db):
    """The members of Congress and the ZIP districts the project ships, as a fresh install has them.

    Loaded by migrations; a transactional test empties every table after it
    runs, so this loads them again (in this test's transaction) when gone.
    """
    from lawmakers import services, sources
    from lawmakers.models import Legislator
    from places.districts import read_district_file, zip_districts_replace
    from places.models import ZipDistrict

    if not Legislator.objects.exists():
        members, taken_on, source = sources.read_snapshot()
        services.legislators_replace(members=members, taken_on=taken_on, source=source)
    if not ZipDistrict.objects.exists():
        with (Path(settings.BASE_DIR) / "places" / "data" / "zccd.csv").open(newline="") as lines:
            zip_districts_replace(districts=read_district_file(lines))
