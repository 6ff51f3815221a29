"""Signer lists as CSV, streamed row by row, and the record of every export.

Two kinds. The delivery list goes to the targets, who include ICE and CBP:
it holds what a paper petition would (name, city, state, country, date and a
comment the signer made public) and never an email, ZIP or address. The
organizer list adds contact details and needs its own permission.
Column names follow OSDI (Open Supporter Data Interface) where it has one.

Rows come from a server-side cursor and leave as soon as they are written,
so memory stays flat at any size; a ZIP archive (one CSV per state or per
district) is streamed the same way.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import CharField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models import SignatureExport

Kind = SignatureExport.Kind

# Excel and LibreOffice read cells starting with these as formulas.
FORMULA_STARTS = frozenset("=+-@\t\r")
CHUNK_SIZE = 10_000  # rows fetched from the server-side cursor at a time
FLUSH_BYTES = 32 * 1024
BOM = "\ufeff".encode()


class Split(models.TextChoices):
    NONE = "none", _("One file")
    STATE = "state", _("A ZIP archive with one file per state")
    DISTRICT = "district", _("A ZIP archive with one file per congressional district")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# Each column reads a row of values() (plain dicts: a million model instances
# would cost more time than the CSV itself).
DELIVERY_COLUMNS = {
    "name": lambda r: r["name"],
    "locality": lambda r: r["city"],
    "region": lambda r: r["region"],
    "country": lambda r: r["country"],
    "action_date": lambda r: r["action_date"],
    # A comment leaves the site only if its signer made it public.
    "comments": lambda r: r["comment"] if r["public"] else "",
}
ORGANIZER_COLUMNS = {
    **DELIVERY_COLUMNS,
    "comments": lambda r: r["comment"],
    "public": lambda r: _yes_no(r["public"]),
    "email": lambda r: r["email"],
    "postal_code": lambda r: r["postal_code"],
    "district": lambda r: r["district"] or ("split" if r["district_split"] else ""),
    "email_opt_in": lambda r: _yes_no(r["opt_in"]),
    "status": lambda r: r["status"],
    "languages_spoken": lambda r: r["language"],
    "referrer_source": lambda r: r["source"],
}
COLUMNS = {Kind.DELIVERY: DELIVERY_COLUMNS, Kind.ORGANIZER: ORGANIZER_COLUMNS}
# Only what a kind's columns read is fetched: the delivery query never
# selects an email or ZIP code at all.
FIELDS = {
    Kind.DELIVERY: ["name", "city", "region", "country", "comment", "public"],
    Kind.ORGANIZER: [
        "name", "city", "region", "country", "comment", "public", "email",
        "postal_code", "district", "district_split", "opt_in", "status", "language", "source",
    ],
}
GROUP_FIELDS = {
    Split.NONE: [],
    Split.STATE: ["region"],
    Split.DISTRICT: ["district", "district_split"],
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _group_key(split: str, row: dict) -> str:
    if split == Split.STATE:
        return row["region"] or "no-state"
    return row["district"] or ("split-district" if row["district_split"] else "no-district")


def export_queryset(queryset, *, kind: str, all_statuses: bool = False, split: str = Split.NONE):
    """The rows of an export as dicts, in file order (grouped when split), fetched lazily."""
    if not all_statuses:
        queryset = queryset.counted()
    fields = dict.fromkeys([*FIELDS[kind], *GROUP_FIELDS[split]])
    return (
        queryset.select_related(None)
        .order_by(*GROUP_FIELDS[split], "created_at", "pk")
        # The day signed in the organizers' time zone, computed and written
        # out (YYYY-MM-DD) by the database: a million dates converted to
        # Python and back to text cost a good part of an export.
        .values(*fields, action_date=Func(
            TruncDate("created_at"), template="to_char(%(expressions)s, 'YYYY-MM-DD')",
            output_field=CharField(),
        ))
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


def _rows(signatures: Iterable[dict], columns: dict, on_row) -> Iterator[tuple[dict, list[str]]]:
    readers = list(columns.values())
    for signature in signatures:
        yield signature, [neutralise(read(signature)) for read in readers]
        if on_row:
            on_row()


def _single_csv(signatures, columns, log, on_row) -> Iterator[bytes]:
    csv_text = _CsvText(list(columns))
    # A byte-order mark, so that Excel reads the file as UTF-8 (accented names).
    yield BOM + csv_text.take()
    n = 0
    for _signature, row in _rows(signatures, columns, on_row):
        csv_text.writerow(row)
        n += 1
        # Rows leave in batches of about FLUSH_BYTES: one write per row
        # would be a million small writes to the socket.
        if csv_text.size() >= FLUSH_BYTES:
            yield csv_text.take()
    if csv_text.size():
        yield csv_text.take()
    _finish(log, n)


def _zip_archive(signatures, columns, log, on_row, *, split, stem) -> Iterator[bytes]:
    buffer = _Buffer()
    archive = zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED)
    member = key = csv_text = None
    n = 0
    for signature, row in _rows(signatures, columns, on_row):
        if _group_key(split, signature) != key:
            if member is not None:
                member.close()
            key = _group_key(split, signature)
            # force_zip64: the size of a member is not known when it starts.
            member = archive.open(f"{stem}-{key}.csv", mode="w", force_zip64=True)
            csv_text = _CsvText(list(columns))
            member.write(BOM + csv_text.take())
        csv_text.writerow(row)
        member.write(csv_text.take())
        n += 1
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
    *, queryset, kind: str, all_statuses: bool, split: str, user, via: str,
    petition=None, filters: dict | None = None, actor: str = "", on_row=None,
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
    signatures = export_queryset(
        queryset, kind=kind, all_statuses=all_statuses, split=split
    ).iterator(chunk_size=CHUNK_SIZE)
    if split == Split.NONE:
        return Export(f"{stem}.csv", "text/csv; charset=utf-8", _single_csv(signatures, columns, log, on_row), log)
    chunks = _zip_archive(signatures, columns, log, on_row, split=split, stem=stem)
    return Export(f"{stem}.zip", "application/zip", chunks, log)
