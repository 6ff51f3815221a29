"""Load many made-up signatures fast, for benchmarks and scale testing.

PostgreSQL COPY takes the rows in one stream (about a million a minute on a
small machine, where saving them one by one would take an hour), and the
count shards are set to the exact total in the same transaction, so the
shown count and `manage.py recount` agree the moment it commits.
"""

import itertools
import random
import secrets
import sys
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from petition.models import Petition
from signatures import counting
from signatures.models import Signature

COLUMNS = [
    "petition_id",
    "name",
    "email",
    "email_canonical",
    "postal_code",
    "country",
    "city",
    "region",
    "district",
    "district_split",
    "comment",
    "public",
    "opt_in",
    "language",
    "source",
    "status",
    "created_at",
    "confirmed_at",
    "status_reason",
    "ip_hash",
    "user_agent_family",
    "email_domain",
    "email_disposable",
    "comment_hidden",
]
FIRST_NAMES = [
    "María",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "James",
    "Mary",
    "Wei",
    "Fatima",
    "Olga",
    "Kwame",
    "Priya",
    "Noah",
    "Emma",
    "Diego",
    "Sofía",
    "Amir",
    "Chloe",
]
LAST_NAMES = [
    "García",
    "Smith",
    "Nguyen",
    "Hernández",
    "Johnson",
    "Kim",
    "Okafor",
    "Patel",
    "López",
    "Brown",
    "Cohen",
    "Silva",
    "Martínez",
    "Davis",
    "Khan",
    "Rossi",
]
PLACES = [
    ("78205", "San Antonio", "TX"),
    ("10001", "New York", "NY"),
    ("60601", "Chicago", "IL"),
    ("90012", "Los Angeles", "CA"),
    ("85004", "Phoenix", "AZ"),
    ("33130", "Miami", "FL"),
    ("98101", "Seattle", "WA"),
    ("80202", "Denver", "CO"),
    ("02108", "Boston", "MA"),
]
CHUNK = 10_000


class Command(BaseCommand):
    help = "Add COUNT made-up signatures to a petition with PostgreSQL COPY (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many signatures to add.")
        parser.add_argument(
            "--petition", help="Slug of the petition (default: the one the home page features)."
        )
        parser.add_argument(
            "--pending-share",
            type=float,
            default=0.1,
            help="Share of the signatures left pending, so never counted (default 0.1).",
        )
        parser.add_argument(
            "--days", type=int, default=30, help="Spread the signing times over this many days."
        )

    def handle(self, *, count, petition, pending_share, days, **options):
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        if not 0 <= pending_share <= 1:
            raise CommandError("--pending-share must be between 0 and 1.")
        target = self._petition(petition)
        started = time.monotonic()
        progress = _Progress(count, sys.stderr if sys.stderr.isatty() else None)
        with transaction.atomic():
            with connection.cursor() as cursor:
                columns = ", ".join(COLUMNS)
                with cursor.copy(f"COPY {Signature._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for chunk in _rows(target, count, pending_share, days):
                        copy.write(chunk[1])
                        progress.advance(chunk[0])
            # Sets the shards to a real COUNT(*), taken after this COPY and
            # under the lock that orders it with concurrent signers.
            _stored, total = counting.recount(target)
        progress.done()
        self.stdout.write(
            f"{target.slug}: added {count:,} signatures in {time.monotonic() - started:.1f} s; "
            f"count is now {total:,}"
        )

    def _petition(self, slug):
        if slug:
            try:
                return Petition.objects.get(slug=slug)
            except Petition.DoesNotExist:
                raise CommandError(f"No petition with slug {slug!r}.") from None
        petition = Petition.objects.featured()
        if petition is None:
            raise CommandError("No open petition: name one with --petition.")
        return petition


def _rows(petition, count, pending_share, days):
    """Yield (rows, COPY text) chunks. Emails carry a per-run token so reruns never collide."""
    run = secrets.token_hex(4)
    rng = random.Random(run)
    now = timezone.now()
    step = timedelta(days=days) / max(count, 1)
    start = now - timedelta(days=days)
    names = [f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    for first in range(0, count, CHUNK):
        lines = []
        for i in range(first, min(first + CHUNK, count)):
            postal_code, city, region = rng.choice(PLACES)
            email = f"seed.{run}.{i}@example.org"
            created = (start + step * i).isoformat()
            pending = rng.random() < pending_share
            lines.append(
                "\t".join(
                    [
                        str(petition.pk),
                        rng.choice(names),
                        email,
                        email,
                        postal_code,
                        "US",
                        city,
                        region,
                        "",
                        "f",
                        "",
                        "t" if i % 7 == 0 else "f",
                        "t" if i % 3 == 0 else "f",
                        "en",
                        "seed",
                        "pending" if pending else "confirmed",
                        created,
                        "\\N" if pending else created,
                        "",
                        "",
                        "",
                        "example.org",
                        "f",
                        "f",
                    ]
                )
            )
        yield len(lines), ("\n".join(lines) + "\n").encode()


class _Progress:
    """A one-line progress bar on a terminal; silent otherwise (logs, pipes)."""

    def __init__(self, total, stream):
        self.total, self.stream, self.n, self.started = total, stream, 0, time.monotonic()

    def advance(self, n):
        self.n += n
        if self.stream:
            filled = 30 * self.n // max(self.total, 1)
            self.stream.write(
                f"\r[{'#' * filled}{' ' * (30 - filled)}] {self.n:,}/{self.total:,}"
                f" {time.monotonic() - self.started:.0f} s"
            )
            self.stream.flush()

    def done(self):
        if self.stream:
            self.stream.write("\n")
