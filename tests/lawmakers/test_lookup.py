"""Who represents a ZIP code, from the shipped tables: one district, at large, split, unknown, abroad."""

from lawmakers.lookup import representation


def names(members):
    return [m.name for m in members]


def test_an_at_large_state_gets_its_two_senators_and_its_one_representative(congress):
    found = representation("05401")
    assert names(found.senators) == ["Bernard Sanders", "Peter Welch"]
    assert names(found.representatives) == ["Becca Balint"]
    assert found.districts == ["VT-AL"] and not found.split and found.city == "Burlington"
    assert [m.tel for m in found.members] == ["tel:+12022245141", "tel:+12022244242", "tel:+12022254115"]


def test_a_split_zip_lists_every_possible_representative(congress):
    found = representation("78201")
    assert sorted(names(found.senators)) == ["John Cornyn", "Ted Cruz"]
    assert names(found.representatives) == ["Joaquin Castro", "Greg Casar"]
    assert found.split and found.districts == ["TX-20", "TX-35"]


def test_new_york_10001_lies_in_two_districts(congress):
    found = representation("10001")
    assert sorted(names(found.senators)) == ["Charles E. Schumer", "Kirsten E. Gillibrand"]
    assert sorted(m.name for m in found.representatives) == ["Daniel S. Goldman", "Jerrold Nadler"]


def test_a_zip_without_a_district_still_gets_the_senators_of_its_state(congress):
    # 05402 is a Burlington PO box ZIP: the package knows its state, the ZCTA table does not.
    found = representation("05402")
    assert found.districts == [] and names(found.representatives) == []
    assert names(found.senators) == ["Bernard Sanders", "Peter Welch"]


def test_an_unknown_zip_and_a_place_outside_the_us_get_nobody(congress):
    for zip5 in ("00000", ""):
        found = representation(zip5)
        assert not found.known and found.members == [] and found.state is None


def test_a_delegate_only_place_has_no_senators(congress):
    found = representation("20001")
    assert found.senators == [] and names(found.representatives) == ["Eleanor Holmes Norton"]


def test_only_the_chambers_asked_for(congress):
    assert names(representation("05401", senators=False).members) == ["Becca Balint"]
    assert names(representation("05401", representatives=False).members) == ["Bernard Sanders", "Peter Welch"]
