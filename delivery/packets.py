"""What a delivery packet holds, written as a PDF (or a ZIP of PDFs, one per office).

Every packet: a cover (title, addressee, date, the counts), the campaign text,
then, where names may go to the target, its signers (name, city, state, date
signed, and a comment the signer made public and no organizer hid), sorted
by city then name; where they may not, counts per state and per district and
the public comments alone. Only counted signatures, and never an email, ZIP
code, IP or a private or hidden comment: those are never even selected.

Written in the active language (the caller's translation.override).
"""

import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext

from delivery.models import DeliveryTarget
from delivery.pdf import Column, PacketPDF
from delivery.targets import Kind, Target
from lawmakers import tallies
from lawmakers.models import Legislator
from lawmakers.panel import title
from places.states import BY_CODE
from signatures.exports import ACTION_DATE, PUBLIC_COMMENT
from signatures.models import Signature

CHUNK_SIZE = 2000  # rows fetched from the server-side cursor at a time
# What a packet may carry, for the export log's columns.
NAME_COLUMNS = ["name", "locality", "region", "action_date", "comments"]
COUNT_COLUMNS = ["count per state", "count per district", "comments"]

OnRows = Callable[[int], None]


@dataclass(frozen=True)
class Tally:
    """A petition's counted signatures (in all, per state, per district) and the calls and
    messages supporters reported per member of Congress, read once per build."""

    total: int
    states: dict[str, int]
    districts: dict[str, int]
    # {Bioguide ID: (called, wrote)}, from the call step (lawmakers.tallies).
    calls: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, petition) -> "Tally":
        counted = Signature.objects.filter(petition=petition).counted().order_by()
        states = counted.filter(country="US").exclude(region="").values_list("region").annotate(n=Count("pk"))
        districts = counted.exclude(district="").values_list("district").annotate(n=Count("pk"))
        return cls(counted.count(), dict(states), dict(districts), tallies.for_petition(petition))

    def of_target(self, target: Target) -> int:
        """How many signers a target's packet carries."""
        if target.kind == Kind.DISTRICT:
            return self.districts.get(target.code, 0)
        if target.kind == Kind.STATE:
            return self.states.get(target.code, 0)
        return self.total

    def offices(self) -> list[Target]:
        """Every office of Congress with a counted constituent: districts, then Senators, in code order.

        A delegate-only place (DC, the territories) has a district office and no Senators.
        """
        districts = [Target(Kind.DISTRICT, code) for code in sorted(self.districts) if code[:2] in BY_CODE]
        senators = [
            Target(Kind.STATE, code)
            for code in sorted(self.states)
            if code in BY_CODE and not BY_CODE[code].delegate_only
        ]
        return districts + senators


def number(n: int) -> str:
    return number_format(n, force_grouping=True)


def members(target: Target) -> list[Legislator]:
    """The members of Congress whose office a district or state target is (none for a named target)."""
    if target.kind == Kind.DISTRICT:
        state, _, seat = target.code.partition("-")
        return list(Legislator.objects.representatives([(state, 0 if seat == "AL" else int(seat))]))
    if target.kind == Kind.STATE:
        return list(Legislator.objects.senators([target.code]))
    return []


def cover_figures(target: Target, tally: Tally, members: list[Legislator] = ()) -> list[tuple[str, str]]:
    """The cover's counts, one (label, figure) line each: add a line here to print one more."""
    lines = [(gettext("Counted signatures, everywhere"), number(tally.total))]
    if target.kind == Kind.DISTRICT:
        lines.append(
            (
                gettext("Of them, constituents in %(district)s") % {"district": target.code},
                number(tally.of_target(target)),
            )
        )
    if target.kind in (Kind.DISTRICT, Kind.STATE):
        lines.append(
            (
                gettext("Of them, in %(state)s") % {"state": target.state.name},
                number(tally.states.get(target.state.code, 0)),
            )
        )
    for member in members:
        called, wrote = tally.calls.get(member.bioguide, (0, 0))
        lines.append(
            (
                gettext("Supporters who reported calling %(member)s") % {"member": title(member)},
                number(called),
            )
        )
        lines.append(
            (
                gettext("Supporters who reported writing to %(member)s") % {"member": title(member)},
                number(wrote),
            )
        )
    return lines


def _cover(pdf: PacketPDF, petition, target: Target, tally: Tally, names_allowed: bool) -> None:
    pdf.add_page()
    pdf.paragraph(gettext("Petition delivery"), size=10)
    pdf.heading(petition.local_title, size=20)
    pdf.paragraph(gettext("To: %(addressee)s") % {"addressee": target.label()}, size=12)
    office = members(target)
    if office:
        pdf.paragraph(", ".join(title(member) for member in office), size=12)
    pdf.paragraph(
        gettext("Date: %(date)s") % {"date": date_format(timezone.localdate(), "DATE_FORMAT")}, size=12
    )
    pdf.ln(4)
    pdf.figures(cover_figures(target, tally, office))
    if not names_allowed:
        explanation = gettext(
            "Signers' names are not given to this recipient, to protect them. This packet carries "
            "how many signed in each state and congressional district, and the comments signers made public."
        )
    elif target.kind == Kind.NAMED:
        explanation = gettext(
            "The signers are listed by city, with the date they signed and any public comment."
        )
    else:
        explanation = gettext(
            "The signers listed are this office's constituents, by city, with the date they signed "
            "and any comment they made public."
        )
    pdf.paragraph(explanation)
    pdf.paragraph(
        gettext("Counted signatures are confirmed and were not struck. Figures as of %(time)s.")
        % {"time": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        size=8,
    )
    pdf.paragraph(f"{settings.SITE_URL}{petition.get_absolute_url()}", size=8)


def _campaign(pdf: PacketPDF, petition) -> None:
    pdf.add_page()
    pdf.heading(gettext("The petition"))
    if targets := petition.local_targets:
        pdf.paragraph(gettext("Addressed to: %(targets)s") % {"targets": "; ".join(targets)})
    pdf.html(petition.local_body_html)


def _signers(pdf: PacketPDF, signers, on_rows: OnRows) -> int:
    pdf.add_page()
    pdf.heading(gettext("Signers"))
    pdf.table_start(
        [
            Column(gettext("Name"), 72),
            Column(gettext("City"), 60),
            Column(gettext("State"), 24),
            Column(gettext("Signed"), 30),
        ]
    )
    rows = (
        signers.order_by("city", "name", "pk")
        .annotate(day=ACTION_DATE, shown_comment=PUBLIC_COMMENT)
        .values_list("name", "city", "region", "day", "shown_comment")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    n = 0
    for name, city, region, day, comment in rows:
        pdf.row([name, city, region, day], note=comment)
        n += 1
        on_rows(1)
    pdf.table_end()
    if not n:
        pdf.paragraph(gettext("No counted signatures yet."))
    return n


def _counts(pdf: PacketPDF, signers, on_rows: OnRows) -> None:
    """Counts per state and per district and the public comments: no name, no place per comment."""
    counted = signers.order_by()
    pdf.add_page()
    pdf.heading(gettext("Signers per state"))
    pdf.table_start([Column(gettext("State"), 120), Column(gettext("Signers"), 40)])
    for region, n in counted.values_list("region").annotate(n=Count("pk")).order_by("region"):
        state = BY_CODE.get(region)
        pdf.row([f"{state.name} ({region})" if state else gettext("Outside the US or unknown"), number(n)])
    pdf.table_end()
    pdf.heading(gettext("Signers per congressional district"))
    pdf.table_start([Column(gettext("District"), 120), Column(gettext("Signers"), 40)])
    per_district = counted.values_list("district", "district_split").annotate(n=Count("pk"))
    for district, split, n in per_district.order_by("district", "district_split"):
        label = district or (gettext("ZIP code spans several districts") if split else gettext("Unknown"))
        pdf.row([label, number(n)])
    pdf.table_end()
    pdf.heading(gettext("Comments signers made public"))
    comments = (
        counted.annotate(shown_comment=PUBLIC_COMMENT)
        .exclude(shown_comment="")
        .order_by("created_at", "pk")
        .values_list("shown_comment", flat=True)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    any_comment = False
    for comment in comments:
        pdf.paragraph(f"“{comment}”", size=9)
        any_comment = True
    if not any_comment:
        pdf.paragraph(gettext("None."))
    on_rows(counted.count())


def write_pdf(out, *, petition, target: Target, names_allowed: bool, tally: Tally, on_rows: OnRows) -> int:
    """Write the packet for target to out (a binary file); returns how many names it carries."""
    pdf = PacketPDF(running_title=petition.local_title, language=get_language())
    _cover(pdf, petition, target, tally, names_allowed)
    _campaign(pdf, petition)
    signers = target.signers(petition)
    names = 0
    if names_allowed:
        names = _signers(pdf, signers, on_rows)
    else:
        _counts(pdf, signers, on_rows)
    out.write(pdf.output())
    return names


def write_zip(out, *, petition, tally: Tally, on_rows: OnRows) -> int:
    """One PDF per office into a ZIP archive written to out as each is made; returns the names carried.

    Memory holds one office's PDF at a time. Stored, not deflated: a PDF's
    pages are compressed already.
    """
    choices = {
        (kind, code): allowed
        for kind, code, allowed in DeliveryTarget.objects.filter(petition=petition).values_list(
            "kind", "code", "names_allowed"
        )
    }
    names = 0
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for target in tally.offices():
            allowed = choices.get((target.kind, target.code), DeliveryTarget.DEFAULT_NAMES[target.kind])
            with archive.open(f"{petition.slug}-{target.code}.pdf", mode="w", force_zip64=True) as member:
                names += write_pdf(
                    member,
                    petition=petition,
                    target=target,
                    names_allowed=allowed,
                    tally=tally,
                    on_rows=on_rows,
                )
    return names
