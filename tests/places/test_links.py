"""The state tables, written once, and the links to a state's members of Congress."""

from places.links import state_for_postal_code, state_links
from places.states import STATE_BY_FIPS, STATES, US_STATES


def test_each_state_and_place_is_listed_once_with_a_code_of_its_own():
    assert len(STATES) == len({state.code for state in STATES}) == len({state.fips for state in STATES}) == 56
    assert STATE_BY_FIPS["48"] == "TX" and STATE_BY_FIPS["11"] == "DC"
    assert US_STATES == sorted(US_STATES) and "PR" in US_STATES


def test_a_state_links_to_its_representatives_and_senators():
    texas = state_links("tx")
    assert (texas.code, texas.name) == ("TX", "Texas")
    assert texas.house_url == "https://www.house.gov/representatives#state-texas"
    assert texas.senate_url == "https://www.senate.gov/states/TX/intro.htm"


def test_a_place_with_a_delegate_has_no_senators_link():
    islands = state_links("VI")
    assert islands.house_url == "https://www.house.gov/representatives#state-us-virgin-islands"
    assert islands.senate_url == ""


def test_an_unknown_code_has_no_links():
    assert state_links("") is None and state_links("ZZ") is None


def test_the_state_of_a_postal_code_is_that_of_a_us_zip_only():
    assert state_for_postal_code("78205-1234", "US") == "TX"
    assert state_for_postal_code("78205", "MX") == ""
    assert state_for_postal_code("00000", "US") == ""
