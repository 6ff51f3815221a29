"""Links to the official pages that list a state's members of Congress.

Only the state goes into a link, never the ZIP code: the signer's address
stays on this site. Districts do not follow ZIP codes, so the House link
lists the state's Representatives and the House's own ZIP lookup is offered
beside it.
"""

from dataclasses import dataclass

from places.states import BY_CODE
from places.zips import place_fields


@dataclass(frozen=True)
class StateLinks:
    code: str
    name: str
    house_url: str
    senate_url: str  # empty where the place has no Senators


def state_links(code: str) -> StateLinks | None:
    state = BY_CODE.get((code or "").upper())
    if state is None:
        return None
    anchor = state.name.lower().replace(".", "").replace(" ", "-")
    return StateLinks(
        code=state.code,
        name=state.name,
        house_url=f"https://www.house.gov/representatives#state-{anchor}",
        senate_url="" if state.delegate_only else f"https://www.senate.gov/states/{state.code}/intro.htm",
    )


def state_for_postal_code(postal_code: str, country: str) -> str:
    """The US state code of a ZIP code, or "" when unknown or outside the US."""
    return place_fields(postal_code, country).get("region", "")
