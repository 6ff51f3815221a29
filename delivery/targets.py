"""Who a packet is for, and which counted signers are theirs.

A Representative's office gets the signers whose district it is; the
Senators' offices of a state get the signers of that state; a target named in
the petition (an agency such as ICE, or a whole chamber) gets every counted
signer. A signer whose ZIP code spans several districts (district_split) is
no district's constituent, since the ZIP alone cannot say which: they count
toward their state, so the Senators' packet lists them, and toward the total.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from delivery.models import DeliveryPacket, DeliveryTarget
from places.models import ZipDistrict
from places.states import BY_CODE
from signatures.models import Signature

Kind = DeliveryTarget.Kind
DISTRICT_RE = re.compile(r"^([A-Z]{2})-(AL|\d{1,2})$")


class TargetError(ValueError):
    """A target that names no office or no line of the petition's targets; str() says why."""


@dataclass(frozen=True)
class Target:
    kind: str
    code: str

    @property
    def state(self):
        """The places.states.State of a district or state target; None for a named target."""
        return BY_CODE[self.code[:2]] if self.kind != Kind.NAMED else None

    def label(self) -> str:
        """The addressee as the cover prints it, in the active language."""
        if self.kind == Kind.DISTRICT:
            if self.state.delegate_only:
                return gettext("Office of the Delegate for %(district)s") % {"district": self.code}
            return gettext("Office of the Representative for %(district)s") % {"district": self.code}
        if self.kind == Kind.STATE:
            return gettext("Offices of the Senators for %(state)s") % {"state": self.state.name}
        return self.code

    def signers(self, petition):
        """The counted signatures this target receives."""
        counted = Signature.objects.filter(petition=petition).counted()
        if self.kind == Kind.DISTRICT:
            return counted.filter(district=self.code)
        if self.kind == Kind.STATE:
            return counted.filter(country="US", region=self.code)
        return counted

    def names_allowed(self, petition) -> bool:
        """The organizers' choice for this target, else the default of its kind."""
        choice = (
            DeliveryTarget.objects.filter(petition=petition, kind=self.kind, code=self.code)
            .values_list("names_allowed", flat=True)
            .first()
        )
        return DeliveryTarget.DEFAULT_NAMES[self.kind] if choice is None else choice


def district_target(text: str) -> Target:
    """TX-20, tx-7 or VT-AL as a district target (TX-07 for tx-7)."""
    match = DISTRICT_RE.match(text.strip().upper())
    if not match:
        raise TargetError(
            gettext("“%(text)s” is not a district: write it as a state code and number, like TX-20 or VT-AL.")
            % {"text": text}
        )
    state, number = match.groups()
    if state not in BY_CODE:
        raise TargetError(gettext("Unknown state code: %(code)s.") % {"code": state})
    code = f"{state}-{number if number == 'AL' else number.zfill(2)}"
    # With the ZIP-to-district table loaded, a district must be one of its
    # districts; without it only the form can be checked.
    known = ZipDistrict.objects.all()
    if number == "00" or (known.exists() and not known.filter(district=code).exists()):
        raise TargetError(gettext("There is no congressional district %(district)s.") % {"district": code})
    return Target(Kind.DISTRICT, code)


def state_target(text: str) -> Target:
    code = text.strip().upper()
    state = BY_CODE.get(code)
    if state is None:
        raise TargetError(
            gettext("Unknown state code: %(code)s. Use a two-letter code like TX.") % {"code": text}
        )
    if state.delegate_only:
        raise TargetError(
            gettext("%(state)s has no Senators; its Delegate's packet is the district %(code)s-AL.")
            % {"state": state.name, "code": code}
        )
    return Target(Kind.STATE, code)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def named_targets(petition) -> list[Target]:
    """The petition's targets, one per line as written in English."""
    return [Target(Kind.NAMED, line) for line in _lines(petition.targets)]


def named_target(petition, text: str) -> Target:
    """A line of the petition's targets, in English or Spanish, in any case."""
    wanted = " ".join(text.split()).casefold()
    for line in _lines(petition.targets) + _lines(petition.targets_es):
        if line.casefold() == wanted:
            return Target(Kind.NAMED, line)
    raise TargetError(
        gettext("“%(text)s” is not one of this petition's targets: %(targets)s.")
        % {"text": text, "targets": "; ".join(_lines(petition.targets)) or gettext("(none listed)")}
    )


def resolve(petition, scope: str, code: str) -> Target | None:
    """The target of a packet of this scope; None for every office at once."""
    if scope == DeliveryPacket.Scope.DISTRICT:
        return district_target(code)
    if scope == DeliveryPacket.Scope.STATE:
        return state_target(code)
    if scope == DeliveryPacket.Scope.NAMED:
        return named_target(petition, code)
    return None
