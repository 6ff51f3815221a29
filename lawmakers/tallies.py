"""The calls and messages supporters reported, per member of Congress: the public function for other apps.

Delivery packets (and anything else that reports on a petition) use
`for_petition`; it reads one small table, a row per member anyone reported
contacting.
"""

from lawmakers.models import CallTally

# Public pages show a member's count from this many reports on: a count of one
# or two would tell a stranger that someone in a small district took part.
SHOWN_FROM = 5


def for_petition(petition) -> dict[str, tuple[int, int]]:
    """{Bioguide ID: (called, wrote)} for every member supporters reported contacting about petition."""
    rows = CallTally.objects.for_petition(petition).values_list("bioguide", "called", "wrote")
    return {bioguide: (called, wrote) for bioguide, called, wrote in rows}


def shown(petition, limit: int = 10) -> list[tuple[str, int, int]]:
    """The members with the most reports, as (Bioguide ID, called, wrote), each with at least SHOWN_FROM."""
    rows = (
        CallTally.objects.for_petition(petition)
        .shown(SHOWN_FROM)
        .order_by("-called", "-wrote", "bioguide")
        .values_list("bioguide", "called", "wrote")[:limit]
    )
    return list(rows)
