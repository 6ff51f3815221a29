"""The US states and the places with a seat in the House, each written once.

Every other table (by FIPS code, the codes in order, the names) is derived
from STATES, so a state is added or corrected in one line.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str  # USPS
    fips: str  # the first two digits of a Census district GEOID
    name: str
    # A non-voting Delegate in the House and no Senators (DC and the territories).
    delegate_only: bool = False


STATES = (
    State("AL", "01", "Alabama"),
    State("AK", "02", "Alaska"),
    State("AZ", "04", "Arizona"),
    State("AR", "05", "Arkansas"),
    State("CA", "06", "California"),
    State("CO", "08", "Colorado"),
    State("CT", "09", "Connecticut"),
    State("DE", "10", "Delaware"),
    State("FL", "12", "Florida"),
    State("GA", "13", "Georgia"),
    State("HI", "15", "Hawaii"),
    State("ID", "16", "Idaho"),
    State("IL", "17", "Illinois"),
    State("IN", "18", "Indiana"),
    State("IA", "19", "Iowa"),
    State("KS", "20", "Kansas"),
    State("KY", "21", "Kentucky"),
    State("LA", "22", "Louisiana"),
    State("ME", "23", "Maine"),
    State("MD", "24", "Maryland"),
    State("MA", "25", "Massachusetts"),
    State("MI", "26", "Michigan"),
    State("MN", "27", "Minnesota"),
    State("MS", "28", "Mississippi"),
    State("MO", "29", "Missouri"),
    State("MT", "30", "Montana"),
    State("NE", "31", "Nebraska"),
    State("NV", "32", "Nevada"),
    State("NH", "33", "New Hampshire"),
    State("NJ", "34", "New Jersey"),
    State("NM", "35", "New Mexico"),
    State("NY", "36", "New York"),
    State("NC", "37", "North Carolina"),
    State("ND", "38", "North Dakota"),
    State("OH", "39", "Ohio"),
    State("OK", "40", "Oklahoma"),
    State("OR", "41", "Oregon"),
    State("PA", "42", "Pennsylvania"),
    State("RI", "44", "Rhode Island"),
    State("SC", "45", "South Carolina"),
    State("SD", "46", "South Dakota"),
    State("TN", "47", "Tennessee"),
    State("TX", "48", "Texas"),
    State("UT", "49", "Utah"),
    State("VT", "50", "Vermont"),
    State("VA", "51", "Virginia"),
    State("WA", "53", "Washington"),
    State("WV", "54", "West Virginia"),
    State("WI", "55", "Wisconsin"),
    State("WY", "56", "Wyoming"),
    State("DC", "11", "District of Columbia", delegate_only=True),
    State("AS", "60", "American Samoa", delegate_only=True),
    State("GU", "66", "Guam", delegate_only=True),
    State("MP", "69", "Northern Mariana Islands", delegate_only=True),
    State("PR", "72", "Puerto Rico", delegate_only=True),
    State("VI", "78", "U.S. Virgin Islands", delegate_only=True),
)
BY_CODE = {state.code: state for state in STATES}
STATE_BY_FIPS = {state.fips: state.code for state in STATES}
US_STATES = sorted(BY_CODE)
