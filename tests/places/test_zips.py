"""City and state of a US ZIP code, from the package's table, once per process."""

import random

import zipcodes

from places import zips
from signatures import services


def test_it_gives_city_and_state_from_a_us_zip(petition, signer_data, congress):
    signature = services.signature_create(
        petition=petition, **signer_data(postal_code="78205-1234")
    ).signature
    assert (signature.city, signature.region) == ("San Antonio", "TX")
    # The district comes from the table shipped with the project, where 78205 is split (TX-20, 28, 35).
    assert signature.district == "" and signature.district_split is True


def test_it_leaves_the_place_empty_outside_the_us_and_for_unknown_zips(petition, signer_data):
    abroad = services.signature_create(
        petition=petition, **signer_data(postal_code="SW1A 1AA", country="GB")
    ).signature
    unknown = services.signature_create(
        petition=petition, **signer_data(email="x@example.org", postal_code="00000")
    ).signature
    assert (abroad.city, abroad.region) == ("", "")
    assert (unknown.city, unknown.region) == ("", "")


def test_the_zip_table_agrees_with_the_package():
    known = random.Random(7).sample(sorted(zips.load()), 200)
    for code in [*known, "00000", "99999", "78205"]:
        matches = zipcodes.matching(code)
        assert zips.place_of(code) == ((matches[0]["city"], matches[0]["state"]) if matches else None)


def test_only_a_us_postal_code_has_a_zip():
    assert zips.zip5(" 78205-1234 ", "US") == "78205"
    assert zips.zip5("78205", "MX") == ""
    assert zips.zip5("K1A 0B1", "US") == ""
