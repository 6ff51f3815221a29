"""The map of where signers are: a tile grid of the states, shaded by counted signatures, drawn
on the server as SVG (petition/_map.html), with the same figures as a table.

The public map is drawn from figures already suppressed (None: fewer than
min_shown, see signatures/place_figures.py), so the number never reaches the
page; the organizers' dashboard draws the exact ones.
"""

import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from places.states import BY_CODE
from places.tiles import COLUMNS, ROWS, TILES
from signatures.place_figures import WITHHELD

TILE = 40  # the side of a tile in SVG units; the map scales to its box
GAP = 3

# (fill, ink): every ink has at least 4.5:1 contrast on its fill, and every tile
# has the same dark outline (5.9:1 on white), so each tile stands apart from
# the page and from its neighbours whatever its shade.
NONE = ("#ffffff", "#1b1b1b")
FEW = ("#dfe7f1", "#1b1b1b")
SHADES = [("#a9c6e8", "#1b1b1b"), ("#5b93d1", "#1b1b1b"), ("#1f5fa8", "#ffffff"), ("#0b2e5c", "#ffffff")]
OUTLINE = "#5b6573"


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    text: str
    fill: str
    ink: str


@dataclass(frozen=True)
class Key:
    fill: str
    label: str


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    text: str


def figure_text(n: int | str | None, min_shown: int) -> str:
    if n is None:
        return _("fewer than %(n)s") % {"n": number_format(min_shown, force_grouping=True)}
    if n == WITHHELD:
        return _("%(n)s or more, not shown") % {"n": number_format(min_shown, force_grouping=True)}
    return number_format(n, force_grouping=True)


def _ranges(low: int, top: int) -> list[tuple[int, int]]:
    """Up to len(SHADES) equal ranges of figures from low to top."""
    if top < low:
        return []
    step = math.ceil((top - low + 1) / len(SHADES))
    return [(start, min(start + step - 1, top)) for start in range(low, top + 1, step)]


def state_map(states: dict[str, int | None], *, min_shown: int = 1) -> dict:
    """What petition/_map.html draws: tiles, the legend's keys and the table's rows.

    states: counted signatures per state code, None where fewer than
    min_shown and WITHHELD where not shown (the public figures); places
    absent have none.
    """
    top = max((n for n in states.values() if isinstance(n, int)), default=0)
    ranges = _ranges(min_shown, top)

    def colours(n):
        if n is None or n == WITHHELD:
            return FEW
        if not n:
            return NONE
        for (start, end), shade in zip(ranges, SHADES, strict=False):
            if start <= n <= end:
                return shade
        return SHADES[-1]

    tiles = []
    for code, (column, row) in TILES.items():
        n = states.get(code, 0)
        fill, ink = colours(n)
        text = figure_text(n, min_shown) if code in states else _("none yet")
        tiles.append(Tile(code, BY_CODE[code].name, column * TILE, row * TILE, text, fill, ink))
    keys = [Key(NONE[0], _("none yet"))]
    if any(n is None for n in states.values()) or min_shown > 1:
        keys.append(Key(FEW[0], figure_text(None, min_shown)))
    if WITHHELD in states.values():
        keys.append(Key(FEW[0], figure_text(WITHHELD, min_shown)))
    for (start, end), (fill, _ink) in zip(ranges, SHADES, strict=False):
        low, high = number_format(start, force_grouping=True), number_format(end, force_grouping=True)
        keys.append(Key(fill, low if start == end else f"{low}–{high}"))
    rows = sorted(
        (
            Row(code, BY_CODE[code].name if code in BY_CODE else code, figure_text(n, min_shown))
            for code, n in states.items()
        ),
        key=lambda row: row.name,
    )
    return {
        "tiles": tiles,
        "keys": keys,
        "rows": rows,
        "tile": TILE - GAP,
        "centre": (TILE - GAP) / 2,
        "width": COLUMNS * TILE,
        "height": ROWS * TILE,
        "min_shown": min_shown,
    }
