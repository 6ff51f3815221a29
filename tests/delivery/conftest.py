import io

import pytest
from pypdf import PdfReader

from places.models import ZipDistrict
from tests.support.factories import make_signature


@pytest.fixture
def petition(make_petition):
    """A petition that asks signers to confirm, so that a pending signature stays uncounted."""
    return make_petition(requires_confirmation=True)


@pytest.fixture
def districts(db):
    """San Antonio's 78205 in TX-20, Austin's 78701 in TX-37, 78702 split, Burlington's 05401 in VT-AL.

    These ZIPs' rows as the tests need them, whatever the shipped table says.
    """
    rows = [
        ("78205", "TX-20"),
        ("78701", "TX-37"),
        ("78702", "TX-35"),
        ("78702", "TX-37"),
        ("05401", "VT-AL"),
    ]
    ZipDistrict.objects.filter(zcta__in={zcta for zcta, _ in rows}).delete()
    ZipDistrict.objects.bulk_create(ZipDistrict(zcta=zcta, district=district) for zcta, district in rows)


@pytest.fixture
def signers(petition, districts):
    """Counted signers in TX-20, TX-37, a split Austin ZIP and Vermont, and some that never count."""
    return {
        "jose": make_signature(
            petition,
            name="José Peña Nuñez",
            email="jose@example.org",
            postal_code="78205",
            comment="Familias unidas, por favor",
            public=True,
        ),
        "ana": make_signature(
            petition,
            name="Ana Quiet",
            email="ana.private@example.org",
            postal_code="78205",
            comment="PRIVATE-COMMENT do not share",
            public=False,
        ),
        "austin": make_signature(
            petition, name="Austin Neighbour", email="austin@example.org", postal_code="78701"
        ),
        "split": make_signature(
            petition, name="Split Zipper", email="split@example.org", postal_code="78702"
        ),
        "vermont": make_signature(petition, name="Vera Mont", email="vera@example.org", postal_code="05401"),
        "pending": make_signature(
            petition, confirmed=False, name="Pending Person", email="pending@example.org", postal_code="78205"
        ),
    }


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def read_pdf():
    return pdf_text
