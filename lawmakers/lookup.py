"""Who represents a ZIP code: its state and district(s) (places' ZIP-to-district table) to the members.

A ZIP in one district gets its Representative; a ZIP split between
districts gets every one of them, and says so; a ZIP the table does not know
still gets its state's Senators when the ZIP tells the state; anything else
(outside the US, an unknown ZIP) gets nobody, and the page links the
official finders.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from lawmakers.models import Legislator, Office
from places.links import StateLinks, state_links
from places.models import ZipDistrict
from places.zips import place_of


@dataclass(frozen=True)
class Representation:
    zip: str
    city: str = ""
    states: list[StateLinks] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)  # TX-20, VT-AL
    senators: list[Legislator] = field(default_factory=list)
    representatives: list[Legislator] = field(default_factory=list)

    @property
    def split(self) -> bool:
        return len(self.districts) > 1

    @property
    def known(self) -> bool:
        return bool(self.senators or self.representatives)

    @property
    def members(self) -> list[Legislator]:
        return [*self.senators, *self.representatives]

    @property
    def state(self) -> StateLinks | None:
        return self.states[0] if self.states else None


def _seat(label: str) -> tuple[str, int]:
    state, number = label.split("-")
    return state, 0 if number == "AL" else int(number)


def representation(zip5: str, *, senators: bool = True, representatives: bool = True) -> Representation:
    """The members for a 5-digit ZIP (places.zips.zip5(); "" outside the US), in the chambers asked for."""
    if not zip5:
        return Representation(zip="")
    districts = sorted(ZipDistrict.objects.filter(zcta=zip5).values_list("district", flat=True))
    place = place_of(zip5)
    # The table's states; for a ZIP it does not know, the state the ZIP itself belongs to.
    codes = sorted({label.split("-")[0] for label in districts}) or ([place[1]] if place else [])
    members = Legislator.objects.prefetch_related(Prefetch("offices", queryset=Office.objects.all()))
    return Representation(
        zip=zip5,
        city=place[0] if place else "",
        states=[links for code in codes if (links := state_links(code))],
        districts=districts,
        senators=list(members.senators(codes)) if senators else [],
        representatives=list(members.representatives([_seat(d) for d in districts]))
        if representatives
        else [],
    )


def for_petition(petition, zip5: str) -> Representation:
    """The members a petition's call step names for a ZIP: its chambers only."""
    return representation(
        zip5, senators=petition.calls_senators, representatives=petition.calls_representatives
    )
