import pytest

from tests.support.live import collect_static


@pytest.fixture(scope="session")
def static_files():
    collect_static()
