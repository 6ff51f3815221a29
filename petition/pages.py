"""What each public page shows: the facts it is drawn from, read together.

petition/caching.py derives the pages' ETags from these facts and keeps each
body for as long as they stay the same. Reading them is all a page costs the
database, at most once per MICROCACHE_SECONDS per process.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from lawmakers import tallies
from lawmakers.models import Legislator
from petition.caching import Shown, query_value
from petition.framing import framing_headers
from petition.models import EmbedPartner, Petition
from signatures.abuse.bot_trap import form_started_token
from signatures.counting import count_for, with_counts
from signatures.forms import clean_source
from signatures.models import Signature
from signatures.place_figures import place_figures
from updates.models import Update

SIGNERS_PER_PAGE = 10
# Deep pages cost an OFFSET scan and nobody reads them; the list is a taste, not an archive.
SIGNERS_MAX_PAGE = 50
# The newest updates the campaign page shows in full; all of them are on the updates page.
UPDATES_ON_CAMPAIGN_PAGE = 3


def recent_signers(petition, page: int):
    """One page of the public signers, newest first, and whether an older page exists."""
    start = (page - 1) * SIGNERS_PER_PAGE
    rows = list(
        Signature.objects.filter(petition=petition)
        .public()
        .order_by("-created_at")
        .only("name", "city", "region", "comment", "comment_hidden", "public", "status")[
            start : start + SIGNERS_PER_PAGE + 1
        ]
    )
    has_older = len(rows) > SIGNERS_PER_PAGE and page < SIGNERS_MAX_PAGE
    return rows[:SIGNERS_PER_PAGE], has_older


def signers_page(request) -> int:
    """The page of signers a request asks for (?signers=), 1 to SIGNERS_MAX_PAGE; 1 for anything else."""
    try:
        return min(max(int(query_value(request, "signers")), 1), SIGNERS_MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def form_copy_seconds() -> int:
    """How long a copy of the campaign page may keep its sign form's timestamp.

    Browsers and CDNs revalidate their copy, and a 304 keeps the form's
    timestamp as it was. A quarter of the form's lifetime keeps such a copy
    well inside it (a form sent back later is shown again, see
    signatures/abuse/bot_trap.py).
    """
    return max(settings.SIGN_FORM_MAX_SECONDS // 4, 1)


def sign_form_version(petition, count: int) -> tuple:
    """What a page with the sign form and the count is drawn from, whatever else it shows."""
    return (
        petition.pk,
        petition.updated_at,
        petition.is_open,
        count,
        int(time.time()) // form_copy_seconds(),
    )


def sign_form_fills(petition) -> dict[str, str]:
    # When the form was shown (the bot trap): as fresh as the facts.
    return {"started": form_started_token(petition)}


def shown_states(petition) -> dict[str, int | None]:
    """The petition's counted signatures per state as the public sees them (None: fewer than min_shown)."""
    return place_figures(petition).shown(petition.min_shown).states


@dataclass(frozen=True)
class Campaign:
    """The campaign page's facts: the petition, its count, one page of its public signers, the map's figures, its newest updates."""

    petition: Petition
    count: int
    signers: list
    signers_page: int
    signers_has_older: bool
    states: dict
    updates: list
    updates_total: int

    @classmethod
    def read(cls, petition, page: int) -> "Campaign":
        signers, has_older = recent_signers(petition, page)
        updates = list(Update.objects.on_page(petition)[: UPDATES_ON_CAMPAIGN_PAGE + 1])
        total = (
            len(updates)
            if len(updates) <= UPDATES_ON_CAMPAIGN_PAGE
            else Update.objects.on_page(petition).count()
        )
        return cls(
            petition,
            count_for(petition),
            signers,
            page,
            has_older,
            shown_states(petition),
            updates[:UPDATES_ON_CAMPAIGN_PAGE],
            total,
        )

    @property
    def version(self) -> tuple:
        return (
            *sign_form_version(self.petition, self.count),
            self.signers_page,
            self.signers_has_older,
            tuple((s.pk, s.public_name, s.city, s.region, s.public_comment) for s in self.signers),
            tuple(self.states.items()),
            # An update published or corrected is a new page.
            tuple((u.pk, u.updated_at, u.published_at) for u in self.updates),
            self.updates_total,
        )

    @property
    def fills(self) -> dict[str, str]:
        return sign_form_fills(self.petition)


def campaign_page(request, slug=None) -> Shown:
    """The campaign page of the petition with this slug, or of the featured one (the home page)."""
    page = signers_page(request)

    def read():
        if slug is None:
            petition = Petition.objects.featured()
        else:
            petition = Petition.objects.visible().filter(slug=slug).first()
        return None if petition is None else Campaign.read(petition, page)

    # The share code goes into the form (and so into the ETag) but not into
    # the copy: every code shares one, so no code can make the page render.
    return Shown(
        key=("campaign", slug, page),
        read=read,
        fills={"source": clean_source(query_value(request, "src"))},
    )


@dataclass(frozen=True)
class Updates:
    """The facts of a petition's updates page, or of one update's page (updates holds one)."""

    petition: Petition
    updates: list

    @property
    def version(self) -> tuple:
        return (
            self.petition.pk,
            self.petition.updated_at,
            tuple((u.pk, u.updated_at, u.published_at) for u in self.updates),
        )


def updates_page(request, slug, pk=None) -> Shown:
    """All the published updates of a petition, newest first; or the one with this id."""

    def read():
        petition = Petition.objects.visible().filter(slug=slug).first()
        if petition is None:
            return None
        updates = Update.objects.on_page(petition)
        if pk is not None:
            updates = updates.filter(pk=pk)
        updates = list(updates)
        return None if pk is not None and not updates else Updates(petition, updates)

    return Shown(key=("updates", slug, pk), read=read)


@dataclass(frozen=True)
class Count:
    """count.json's facts."""

    count: int
    goal: int

    @property
    def version(self) -> tuple:
        return (self.count, self.goal)


def count_page(request, slug) -> Shown:
    def read():
        petition = Petition.objects.visible().filter(slug=slug).only("pk", "goal").first()
        return None if petition is None else Count(count_for(petition), petition.goal)

    return Shown(key=("count", slug), read=read)


@dataclass(frozen=True)
class Privacy:
    """The privacy page's facts: the settings it quotes."""

    retention_days: int

    @property
    def version(self) -> tuple:
        return (self.retention_days,)


def privacy_page(request) -> Shown:
    return Shown(key=("privacy",), read=lambda: Privacy(settings.RETENTION_DAYS))


@dataclass(frozen=True)
class CallPage:
    """The call page's facts for a visitor whose cookie has no ZIP: the petition and the most-called members."""

    petition: Petition
    # (member or None when no longer in the table, called, wrote), most reported first.
    top: list

    @property
    def version(self) -> tuple:
        rows = tuple((m.bioguide if m else None, called, wrote) for m, called, wrote in self.top)
        return (self.petition.pk, self.petition.updated_at, self.petition.is_open, rows)


def call_page(request, slug) -> Shown:
    def read():
        petition = (
            Petition.objects.visible()
            .exclude(call_chambers=Petition.CallChambers.NONE)
            .filter(slug=slug)
            .first()
        )
        if petition is None:
            return None
        rows = tallies.shown(petition)
        members = Legislator.objects.in_bulk([bioguide for bioguide, _, _ in rows])
        return CallPage(
            petition, [(members.get(bioguide), called, wrote) for bioguide, called, wrote in rows]
        )

    return Shown(key=("call", slug), read=read)


@dataclass(frozen=True)
class OpenData:
    """data.json's facts: the count and the public figures per state and district."""

    count: int
    goal: int
    min_shown: int
    updated: float
    states: dict
    districts: dict

    @property
    def version(self) -> tuple:
        return (
            self.count,
            self.goal,
            self.min_shown,
            self.updated,
            *self.states.items(),
            *self.districts.items(),
        )


def open_data_page(request, slug) -> Shown:
    def read():
        petition = (
            Petition.objects.visible().filter(slug=slug).only("pk", "goal", "min_shown", "created_at").first()
        )
        if petition is None:
            return None
        figures = place_figures(petition).shown(petition.min_shown)
        return OpenData(
            count_for(petition),
            petition.goal,
            petition.min_shown,
            figures.as_of,
            figures.states,
            figures.districts,
        )

    return Shown(key=("data", slug), read=read)


@dataclass(frozen=True)
class PetitionList:
    """The index's facts: open (or closed) petitions with their counts, most signed first."""

    closed: bool
    petitions: list

    @property
    def version(self) -> tuple:
        return (self.closed, *((p.pk, p.updated_at, p.signature_total) for p in self.petitions))


def index_page(request, *, closed: bool = False) -> Shown:
    def read():
        petitions = Petition.objects.closed() if closed else Petition.objects.open()
        petitions = with_counts(petitions.defer("body", "body_es")).order_by(
            "-signature_total", "-created_at"
        )
        return PetitionList(closed, list(petitions))

    return Shown(key=("index", closed), read=read)


@dataclass(frozen=True)
class Embed:
    """The embed page's facts: the petition, its count, and the partner sites allowed to frame it."""

    petition: Petition
    count: int
    origins: tuple

    @property
    def version(self) -> tuple:
        return (*sign_form_version(self.petition, self.count), self.origins)

    @property
    def fills(self) -> dict[str, str]:
        return sign_form_fills(self.petition)

    @property
    def headers(self) -> dict[str, str]:
        return framing_headers(self.origins)


def embed_page(request, slug) -> Shown:
    def read():
        petition = Petition.objects.visible().defer("body", "body_es").filter(slug=slug).first()
        if petition is None:
            return None
        return Embed(petition, count_for(petition), EmbedPartner.objects.filter(petition=petition).origins())

    return Shown(key=("embed", slug), read=read, fills={"source": clean_source(query_value(request, "src"))})
