"""What the "contact your lawmakers" panel shows one visitor: their members, the script, the counts.

Drawn from the visitor's own cookies (the signer cookie's ZIP, the reports
this browser made), so only per-visitor pages show it: the thank-you page and
the call page of a visitor whose cookie has a ZIP, both never_cache and
Vary: Cookie.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawmakers import lookup, reported, tallies
from lawmakers.models import Legislator
from places.states import BY_CODE
from signatures.signer_cookie import remembered_signer

# The parties as the source names them, in the reader's language.
PARTIES = {
    "Democrat": gettext_lazy("Democrat"),
    "Republican": gettext_lazy("Republican"),
    "Independent": gettext_lazy("Independent"),
}


@dataclass(frozen=True)
class Card:
    member: Legislator
    title: str  # "Senator Bernard Sanders"
    party: str
    seat: str  # "Vermont", "Texas, district 20", "Vermont, at large"
    script: str
    called: int | None  # None: fewer than tallies.SHOWN_FROM, not shown
    wrote: int | None
    reported_call: bool
    reported_write: bool


def title(member: Legislator) -> str:
    if member.chamber == Legislator.Chamber.SENATE:
        return _("Senator %(name)s") % {"name": member.name}
    state = BY_CODE.get(member.state)
    if state is not None and state.delegate_only:
        if member.state == "PR":
            return _("Resident Commissioner %(name)s") % {"name": member.name}
        return _("Delegate %(name)s") % {"name": member.name}
    return _("Representative %(name)s") % {"name": member.name}


def seat(member: Legislator) -> str:
    state = BY_CODE[member.state].name if member.state in BY_CODE else member.state
    if member.chamber == Legislator.Chamber.SENATE:
        return state
    if member.district == 0:
        return _("%(state)s, at large") % {"state": state}
    return _("%(state)s, district %(number)s") % {"state": state, "number": member.district}


def panel_context(request, petition, *, back: str) -> dict:
    """The panel's context; back names the page the buttons return to ("thanks" or "call")."""
    remembered = remembered_signer(request)
    found = lookup.for_petition(petition, remembered.get("zip", ""))
    counts = tallies.for_petition(petition)
    done = set(reported.reported(request))
    state = found.state.name if found.state else ""
    city = found.city or state or _("my community")
    cards = []
    for member in found.members:
        called, wrote = counts.get(member.bioguide, (0, 0))
        cards.append(
            Card(
                member=member,
                title=title(member),
                party=str(PARTIES.get(member.party, member.party)),
                seat=seat(member),
                script=petition.call_script_for(lawmaker=title(member), city=city, state=state),
                called=called if called >= tallies.SHOWN_FROM else None,
                wrote=wrote if wrote >= tallies.SHOWN_FROM else None,
                reported_call=reported.entry(petition, member.bioguide, "called") in done,
                reported_write=reported.entry(petition, member.bioguide, "wrote") in done,
            )
        )
    return {
        "petition": petition,
        "found": found,
        "cards": cards,
        "has_zip": bool(found.zip),
        "back": back,
        "shown_from": tallies.SHOWN_FROM,
    }
