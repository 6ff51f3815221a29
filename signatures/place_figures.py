"""Counted signatures per state and per congressional district: computed at most every
PLACE_FIGURES_SECONDS per petition and shared by every process through the default cache.

The count itself is exact at any size (counting.py); these figures are an
aggregate over the petition's signatures, a GROUP BY that reads every counted
row (see docs/performance.md for its cost at a million). Keeping them as
counters updated in the signing statement would add two more contended rows
to every signature; instead one process recomputes them when they are older
than PLACE_FIGURES_SECONDS, while the others keep serving the previous ones.
So the map and data.json may lag the count by that much.

Public output goes through `shown()`: a place with fewer than the petition's
min_shown counted signatures gets None, never its number, and a figure that
would give such a one away by subtraction is withheld too.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db.models import Count
from redis.exceptions import RedisError

from signatures.models import Signature

logger = logging.getLogger(__name__)

# How long one process may take to recompute before another may try.
_LOCK_SECONDS = 60
# After the shared cache failed, how long this process does without it.
_RETRY_SECONDS = 10
_shared_down_until = 0.0


@dataclass(frozen=True)
class PlaceFigures:
    """Counted signatures per state code and per district ("TX-20"), at `as_of` (a Unix time)."""

    as_of: float
    states: dict[str, int]
    districts: dict[str, int]

    def shown(self, min_shown: int) -> "PlaceFigures":
        """What the public may see: None for each figure below min_shown, WITHHELD where one would give it away.

        The totals are public (the count for the states, a state's own
        figure for its districts), so a group with one hidden figure would
        give it away by subtraction; the next smallest figure of that group
        is withheld with it (secondary suppression, as statistics offices do).
        """
        districts = {}
        for state in {district.partition("-")[0] for district in self.districts}:
            group = {place: n for place, n in self.districts.items() if place.partition("-")[0] == state}
            districts |= _suppressed(group, min_shown)
        return PlaceFigures(self.as_of, _suppressed(self.states, min_shown), dict(sorted(districts.items())))


# A figure of min_shown or more that is not shown (PlaceFigures.shown). A
# string, so that it survives the caches' pickling; public output writes it
# as null beside the small figures, and the map says "not shown".
WITHHELD = "withheld"


def _suppressed(figures: dict[str, int], min_shown: int) -> dict[str, int | str | None]:
    hidden = {place for place, n in figures.items() if n < min_shown}
    withheld = set()
    if len(hidden) == 1 and len(figures) > 1:
        withheld.add(min((place for place in figures if place not in hidden), key=lambda p: (figures[p], p)))
    return {
        place: None if place in hidden else WITHHELD if place in withheld else n
        for place, n in figures.items()
    }


def public_value(n: int | str | None) -> int | None:
    """A shown figure as open data writes it: null for a small or withheld one."""
    return None if n == WITHHELD else n


def compute(petition) -> PlaceFigures:
    """Read the figures from the signatures now: one GROUP BY over the petition's counted rows."""
    states, districts = {}, {}
    rows = (
        Signature.objects.filter(petition=petition)
        .counted()
        .order_by()
        .values_list("region", "district")
        .annotate(n=Count("pk"))
    )
    for region, district, n in rows:
        if region:
            states[region] = states.get(region, 0) + n
        if district:
            districts[district] = districts.get(district, 0) + n
    return PlaceFigures(time.time(), dict(sorted(states.items())), dict(sorted(districts.items())))


def place_figures(petition) -> PlaceFigures:
    """The petition's figures, at most PLACE_FIGURES_SECONDS old (older while one process recomputes them).

    When the shared cache fails (Redis down) each process keeps its own copy
    for the same time instead, and stops asking the shared cache for
    _RETRY_SECONDS, so that its timeout is not paid on every page: more
    GROUP BYs, never an error.
    """
    global _shared_down_until
    # The creation time makes the key unique to this petition even across
    # databases that reuse ids (a restored backup, the test runs sharing a Redis).
    key = f"place-figures:{petition.pk}:{petition.created_at.timestamp()}"
    if time.monotonic() >= _shared_down_until:
        try:
            return _kept_or_computed(cache, key, petition)
        except (RedisError, OSError) as error:
            logger.warning("Place figures kept per process, the cache is unavailable: %s", error)
            _shared_down_until = time.monotonic() + _RETRY_SECONDS
    return _kept_or_computed(caches["pages"], key, petition)


def _kept_or_computed(store, key: str, petition) -> PlaceFigures:
    kept = store.get(key)
    if kept is not None and time.time() - kept.as_of < settings.PLACE_FIGURES_SECONDS:
        return kept
    # Whoever takes the lock recomputes; the others serve what is kept.
    if kept is not None and not store.add(f"{key}:lock", 1, _LOCK_SECONDS):
        return kept
    figures = compute(petition)
    # Kept well past its freshness, so that a stale copy is there to serve while one process recomputes.
    store.set(key, figures, max(settings.PLACE_FIGURES_SECONDS * 10, 600))
    store.delete(f"{key}:lock")
    return figures
