import pytest

from tests.support.live import collect_static


def pytest_collection_modifyitems(items):
    # Everything here is selected with `-m reliability` (make reliability).
    for item in items:
        if "tests/reliability/" in item.nodeid:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def static_files():
    collect_static()
