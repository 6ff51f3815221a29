"""Links to the official pages that list a state's members of Congress.

Only the state goes into a link, never the ZIP code: the signer's address
stays on this site. Districts do not follow ZIP codes, so the House link
lists the state's Representatives and the House's own ZIP lookup is offered
beside it.
"""

from dataclasses import dataclass

from petition.zip_places import place_of

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
# Places with a non-voting Delegate in the House and no Senators.
DELEGATE_ONLY = {
    "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "U.S. Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
}


@dataclass(frozen=True)
class StateLinks:
    code: str
    name: str
    house_url: str
    senate_url: str  # empty where the place has no Senators


def state_links(code: str) -> StateLinks | None:
    code = (code or "").upper()
    name = STATES.get(code) or DELEGATE_ONLY.get(code)
    if name is None:
        return None
    anchor = name.lower().replace(".", "").replace(" ", "-")
    return StateLinks(
        code=code,
        name=name,
        house_url=f"https://www.house.gov/representatives#state-{anchor}",
        senate_url=f"https://www.senate.gov/states/{code}/intro.htm" if code in STATES else "",
    )


def state_for_postal_code(postal_code: str, country: str) -> str:
    """The US state code of a ZIP code, or "" when unknown or outside the US."""
    if str(country) != "US":
        return ""
    place = place_of(postal_code[:5])
    return place[1] if place else ""
