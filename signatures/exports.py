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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures.models import Signature, SignatureExport

Kind = SignatureExport.Kind

# Excel and LibreOffice read cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000


class Split(models.TextChoices):
    NONE = "none", _("One file")
    STATE = "state", _("A ZIP archive with one file per state")
    DISTRICT = "district", _("A ZIP archive with one file per congressional district")


def _date(signature):
    return timezone.localdate(signature.created_at).isoformat()


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


DELIVERY_COLUMNS = {
    "name": lambda s: s.name,
    "locality": lambda s: s.city,
    "region": lambda s: s.region,
    "country": lambda s: s.country.code,
    "action_date": _date,
    # A comment leaves the site only if its signer made it public.
    "comments": lambda s: s.comment if s.public else "",
}
ORGANIZER_COLUMNS = {
    **DELIVERY_COLUMNS,
    "comments": lambda s: s.comment,
    "public": lambda s: _yes_no(s.public),
    "email": lambda s: s.email,
    "postal_code": lambda s: s.postal_code,
    "district": lambda s: s.district or ("split" if s.district_split else ""),
    "email_opt_in": lambda s: _yes_no(s.opt_in),
    "status": lambda s: s.status,
    "languages_spoken": lambda s: s.language,
    "referrer_source": lambda s: s.source,
}
COLUMNS = {Kind.DELIVERY: DELIVERY_COLUMNS, Kind.ORGANIZER: ORGANIZER_COLUMNS}
# Only what a kind's columns read is fetched: the delivery query never
# selects an email or ZIP code at all.
FIELDS = {
    Kind.DELIVERY: ["pk", "name", "city", "region", "country", "created_at", "comment", "public"],
    Kind.ORGANIZER: [
        "pk", "name", "city", "region", "country", "created_at", "comment", "public", "email",
        "postal_code", "district", "district_split", "opt_in", "status", "language", "source",
    ],
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _group_key(split: str, signature) -> str:
    if split == Split.STATE:
        return signature.region or "no-state"
    return signature.district or ("split-district" if signature.district_split else "no-district")


def export_queryset(queryset, *, kind: str, all_statuses: bool = False, split: str = Split.NONE):
    """The rows of an export, in file order (grouped when split), fetched lazily."""
    if not all_statuses:
        queryset = queryset.counted()
    order = {
        Split.NONE: [],
        Split.STATE: ["region"],
        Split.DISTRICT: ["district", "district_split"],
    }[split]
    return queryset.select_related(None).only(*FIELDS[kind]).order_by(*order, "created_at", "pk")


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


def _csv_lines(header: list[str]):
    """A csv writer and a function that returns what it wrote since the last call."""
    text = io.StringIO()
    writer = csv.writer(text)

    def take() -> str:
        out = text.getvalue()
        text.seek(0)
        text.truncate()
        return out

    writer.writerow(header)
    return writer, take


def _rows(signatures: Iterable, columns: dict, on_row) -> Iterator[tuple[object, list[str]]]:
    for signature in signatures:
        yield signature, [neutralise(str(read(signature))) for read in columns.values()]
        if on_row:
            on_row()


def _single_csv(signatures, columns, log, on_row) -> Iterator[bytes]:
    writer, take = _csv_lines(list(columns))
    # A byte-order mark, so that Excel reads the file as UTF-8 (accented names).
    yield "\ufeff".encode() + take().encode()
    n = 0
    for _signature, row in _rows(signatures, columns, on_row):
        writer.writerow(row)
        n += 1
        yield take().encode()
    _finish(log, n)


def _zip_archive(signatures, columns, log, on_row, *, split, stem) -> Iterator[bytes]:
    buffer = _Buffer()
    archive = zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED)
    member, key, n = None, None, 0
    writer = take = None
    for signature, row in _rows(signatures, columns, on_row):
        if _group_key(split, signature) != key:
            if member is not None:
                member.close()
            key = _group_key(split, signature)
            # force_zip64: the size of a member is not known when it starts.
            member = archive.open(f"{stem}-{key}.csv", mode="w", force_zip64=True)
            writer, take = _csv_lines(list(columns))
            member.write("\ufeff".encode() + take().encode())
        writer.writerow(row)
        member.write(take().encode())
        n += 1
        if len(buffer.data) >= 64 * 1024:
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
