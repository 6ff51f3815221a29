"""Signer lists as CSV, streamed row by row, and the record of every export.

Two kinds. The delivery list goes to the targets, who include ICE and CBP:
it holds what a paper petition would (name, city, state, country, date and a
comment the signer made public) and never an email, ZIP or address. The
organizer list adds contact details and needs its own permission. Neither
holds a comment an organizer hid.
Column names follow OSDI (Open Supporter Data Interface) where it has one.

Rows come from a server-side cursor and leave as soon as they are written,
so memory stays flat at any size; a ZIP archive (one CSV per state or per
district) is streamed the same way.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, CharField, F, Func, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models import SignatureExport

Kind = SignatureExport.Kind

CHUNK_SIZE = 10_000  # rows fetched from the server-side cursor at a time
FLUSH_BYTES = 32 * 1024
BOM = "\ufeff".encode()


class Split(models.TextChoices):
    NONE = "none", _("One file")
    STATE = "state", _("A ZIP archive with one file per state")
    DISTRICT = "district", _("A ZIP archive with one file per congressional district")


class Cell(Func):
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection).

    Excel and LibreOffice run a cell starting with = + - @, tab or CR; the
    database function csv_cell (migration 0002_csv_cell_function) puts a ' before it.
    """

    function = "csv_cell"
    output_field = CharField()


def _yes_no(field: str) -> Case:
    return Case(When(**{field: True}, then=Value("yes")), default=Value("no"), output_field=CharField())


# The day signed in the organizers' time zone, as YYYY-MM-DD.
ACTION_DATE = Func(
    TruncDate("created_at"), template="to_char(%(expressions)s, 'YYYY-MM-DD')", output_field=CharField()
)
# A comment leaves the site only if its signer made it public and no organizer
# hid it (the delivery CSV and the delivery packets, delivery/packets.py).
PUBLIC_COMMENT = Case(
    When(public=True, comment_hidden=False, then="comment"),
    default=Value(""),
    output_field=CharField(),
)

# Every cell is written by PostgreSQL, so that Python only hands each row to
# the csv writer: formatting a million rows cell by cell in Python took longer
# than fetching them.
DELIVERY_COLUMNS = {
    "name": Cell("name"),
    "locality": Cell("city"),
    "region": Cell("region"),
    "country": Cell("country"),
    "action_date": ACTION_DATE,
    "comments": Cell(PUBLIC_COMMENT),
}
ORGANIZER_COLUMNS = {
    **DELIVERY_COLUMNS,
    # A hidden comment never leaves the site, not even to organizers: admin shows it.
    "comments": Cell(
        Case(
            When(comment_hidden=False, then="comment"),
            default=Value(""),
            output_field=CharField(),
        )
    ),
    "public": _yes_no("public"),
    "email": Cell("email"),
    "postal_code": Cell("postal_code"),
    "district": Case(
        When(~Q(district=""), then="district"),
        When(district_split=True, then=Value("split")),
        default=Value(""),
        output_field=CharField(),
    ),
    "email_opt_in": _yes_no("opt_in"),
    "status": F("status"),
    "languages_spoken": F("language"),
    "referrer_source": Cell("source"),
}
COLUMNS = {Kind.DELIVERY: DELIVERY_COLUMNS, Kind.ORGANIZER: ORGANIZER_COLUMNS}
# Selected after a row's cells, to group the rows of a ZIP archive.
GROUP_FIELDS = {
    Split.NONE: [],
    Split.STATE: ["region"],
    Split.DISTRICT: ["district", "district_split"],
}


def _group_key(split: str, group: tuple) -> str:
    if split == Split.STATE:
        return group[0] or "no-state"
    district, district_split = group
    return district or ("split-district" if district_split else "no-district")


def export_queryset(queryset, *, kind: str, all_statuses: bool = False, split: str = Split.NONE):
    """The rows of an export as tuples of cells (then the grouping fields), in file order, lazily.

    Only what a kind's columns read is selected: the delivery query never
    selects an email or ZIP code at all.
    """
    if not all_statuses:
        queryset = queryset.counted()
    # Aliases that cannot collide with the model's own field names.
    cells = {f"cell_{n}": expression for n, expression in enumerate(COLUMNS[kind].values())}
    return (
        queryset.select_related(None)
        .order_by(*GROUP_FIELDS[split], "created_at", "pk")
        .annotate(**cells)
        .values_list(*cells, *GROUP_FIELDS[split])
    )


@dataclass
class Export:
    """A streamed export: its file name, content type and body. `log.rows` is set at the end."""

    filename: str
    content_type: str
    chunks: Iterator[bytes]
    log: SignatureExport


class _Buffer(io.RawIOBase):
    """A write-only file whose contents are taken out as they come (for zipfile)."""

    def __init__(self):
        self.data = bytearray()
        self.position = 0

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        self.position += len(b)
        return len(b)

    def tell(self):
        return self.position

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out


class _CsvText:
    """A csv writer into memory, emptied by take()."""

    def __init__(self, header: list[str]):
        self.text = io.StringIO()
        self.writer = csv.writer(self.text)
        self.writer.writerow(header)

    def writerow(self, row: list[str]) -> None:
        self.writer.writerow(row)

    def size(self) -> int:
        return self.text.tell()

    def take(self) -> bytes:
        out = self.text.getvalue()
        self.text.seek(0)
        self.text.truncate()
        return out.encode()


def _single_csv(rows, columns, log, on_row) -> Iterator[bytes]:
    csv_text = _CsvText(list(columns))
    # A byte-order mark, so that Excel reads the file as UTF-8 (accented names).
    yield BOM + csv_text.take()
    n = 0
    for row in rows:
        csv_text.writerow(row)
        n += 1
        if on_row:
            on_row()
        # Rows leave in batches of about FLUSH_BYTES: one write per row
        # would be a million small writes to the socket.
        if csv_text.size() >= FLUSH_BYTES:
            yield csv_text.take()
    if csv_text.size():
        yield csv_text.take()
    _finish(log, n)


def _zip_archive(rows, columns, log, on_row, *, split, stem) -> Iterator[bytes]:
    buffer = _Buffer()
    archive = zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED)
    member = key = csv_text = None
    width = len(columns)
    n = 0
    for row in rows:
        if (group := _group_key(split, row[width:])) != key:
            if member is not None:
                member.close()
            key = group
            # force_zip64: the size of a member is not known when it starts.
            member = archive.open(f"{stem}-{key}.csv", mode="w", force_zip64=True)
            csv_text = _CsvText(list(columns))
            member.write(BOM + csv_text.take())
        csv_text.writerow(row[:width])
        member.write(csv_text.take())
        n += 1
        if on_row:
            on_row()
        if len(buffer.data) >= FLUSH_BYTES:
            yield buffer.take()
    if member is not None:
        member.close()
    archive.close()
    yield buffer.take()
    _finish(log, n)


def _finish(log: SignatureExport, rows: int) -> None:
    log.rows = rows
    log.save(update_fields=["rows"])


def export_start(
    *,
    queryset,
    kind: str,
    all_statuses: bool,
    split: str,
    user,
    via: str,
    petition=None,
    filters: dict | None = None,
    actor: str = "",
    on_row=None,
) -> Export:
    """Record an export and return it ready to stream. The rows are counted as they go.

    on_row, if given, is called after each row (the command's progress bar).
    """
    columns = COLUMNS[kind]
    today = timezone.localdate().isoformat()
    stem = f"{petition.slug if petition else 'signatures'}-{kind}-{today}"
    log = SignatureExport.objects.create(
        user=user,
        actor=actor or (user.get_username() if user else ""),
        via=via,
        kind=kind,
        petition=petition,
        filters={
            "statuses": "all" if all_statuses else "confirmed",
            "split": split,
            **(filters or {}),
        },
        columns=list(columns),
    )
    rows = export_queryset(queryset, kind=kind, all_statuses=all_statuses, split=split).iterator(
        chunk_size=CHUNK_SIZE
    )
    if split == Split.NONE:
        return Export(f"{stem}.csv", "text/csv; charset=utf-8", _single_csv(rows, columns, log, on_row), log)
    chunks = _zip_archive(rows, columns, log, on_row, split=split, stem=stem)
    return Export(f"{stem}.zip", "application/zip", chunks, log)
