"""The organizers' dashboard of one petition: a handful of GROUP BY queries and an SVG chart.

The chart is drawn here as plain SVG shapes, so the page needs no script,
no CDN and no inline styles (it passes a strict Content-Security-Policy).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from lawmakers import tallies
from lawmakers.models import Legislator
from petition.maps import state_map
from signatures.counting import count_for
from signatures.models import Signature

CHART_WIDTH, CHART_HEIGHT = 720, 180
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Bar:
    day: datetime.date
    n: int
    confirmed: int
    x: float
    width: float
    y: float
    height: float
    confirmed_y: float
    confirmed_height: float


def day_bars(rows) -> list[Bar]:
    """One bar per day from the first to the last day with signatures, empty days included."""
    by_day = {row["day"]: row for row in rows}
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    top = max(row["n"] for row in by_day.values())
    width = CHART_WIDTH / len(days)
    bars = []
    for i, day in enumerate(days):
        row = by_day.get(day, {"n": 0, "confirmed": 0})
        height = CHART_HEIGHT * row["n"] / top
        confirmed_height = CHART_HEIGHT * row["confirmed"] / top
        bars.append(
            Bar(
                day=day,
                n=row["n"],
                confirmed=row["confirmed"],
                x=round(i * width, 2),
                width=round(max(width - 1, 0.5), 2),
                y=round(CHART_HEIGHT - height, 2),
                height=round(height, 2),
                confirmed_y=round(CHART_HEIGHT - confirmed_height, 2),
                confirmed_height=round(confirmed_height, 2),
            )
        )
    return bars


def _with_share(rows, total: int, label) -> list[dict]:
    """Rows with a label, their share of total and a bar length (the largest row is 100)."""
    top = max((row["n"] for row in rows), default=0)
    return [
        {
            **row,
            "label": label(row),
            "share": row["n"] / total if total else 0,
            "bar": round(100 * row["n"] / top, 1) if top else 0,
        }
        for row in rows
    ]


def _district_label(row) -> str:
    if row["district_split"]:
        return _("ZIP spans several districts")
    return row["district"] or _("Unknown (outside the US, or districts not loaded)")


def confirmation_rate(petition) -> float | None:
    """Of the signatures pending or confirmed, the share confirmed (None when there are none).

    Struck and flagged ones are left out: they say what organizers did, not
    whether signers answered their email. Cheap at any size: the stored
    count, and an index range over the pending ones.
    """
    confirmed = count_for(petition)
    pending = Signature.objects.filter(petition=petition).pending().count()
    return confirmed / (confirmed + pending) if confirmed + pending else None


def member_reports(petition) -> list[dict]:
    """Calls and messages supporters reported, per member of Congress, most first (every count, however small)."""
    counts = tallies.for_petition(petition)
    members = Legislator.objects.in_bulk(list(counts))
    rows = [
        {
            "name": members[b].name if b in members else b,
            "seat": members[b].seat if b in members else _("(no longer in the member data)"),
            "called": called,
            "wrote": wrote,
        }
        for b, (called, wrote) in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["called"], -row["wrote"], row["name"]))


def dashboard(petition) -> dict:
    """The dashboard's figures, kept for CACHE_SECONDS: at a million signatures the
    GROUP BY queries read every row of the petition and take a few seconds.

    With the map of the public page, drawn from the exact figures: organizers see the small numbers.
    """
    key = f"petition-dashboard:{petition.pk}"
    figures = cache.get_or_set(key, lambda: _figures(petition), CACHE_SECONDS)
    states = {row["region"]: row["n"] for row in figures["regions"] if row["region"]}
    return {**figures, "map": state_map(states)}


def _figures(petition) -> dict:
    signatures = Signature.objects.filter(petition=petition)
    counted = signatures.counted()
    count = count_for(petition)
    bars = day_bars(signatures.per_day())
    return {
        "as_of": timezone.now(),
        "count": count,
        "per_status": [(Signature.Status(status).label, n) for status, n in signatures.per_status().items()],
        "confirmation_rate": confirmation_rate(petition),
        "bars": bars,
        "chart_top": max((bar.n for bar in bars), default=0),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "regions": _with_share(
            list(counted.per_region()),
            count,
            lambda row: row["region"] or _("None (outside the US, or unknown ZIP)"),
        ),
        "districts": _with_share(list(counted.per_district()), count, _district_label),
        "member_reports": member_reports(petition),
        "sources": _with_share(
            list(signatures.per_source()),
            sum(bar.n for bar in bars),
            lambda row: row["source"] or _("(none: came directly)"),
        ),
    }
