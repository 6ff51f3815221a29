import pytest

from tests.support.factories import make_signature
from updates import services


@pytest.fixture
def make_update(db):
    def make(petition, *, title="We delivered the petition", body="Thank you, **everyone**.", **fields):
        return services.update_create(petition=petition, title=title, body=body, **fields)

    return make


@pytest.fixture
def supporter():
    """A confirmed signer who asked to be kept updated."""

    def make(petition, email, **fields):
        return make_signature(petition, email=email, opt_in=True, **fields)

    return make
