"""The exact, cheap count of a petition's counted signatures (see CountShard)."""

import random

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from signatures.models import CountShard, Signature


def count_for(petition) -> int:
    return CountShard.objects.total(petition)


def with_counts(petitions):
    """The petitions with `signature_total`, each one's count, read in the same query (the sum of its shards)."""
    shards = (
        CountShard.objects.filter(petition=OuterRef("pk"))
        .values("petition")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return petitions.annotate(signature_total=Coalesce(Subquery(shards), 0))


# {rows}: the (petition_id, shard, count) rows to add, a VALUES list or a SELECT.
_UPSERT = """
    INSERT INTO {table} (petition_id, shard, count) {rows}
    ON CONFLICT (petition_id, shard) DO UPDATE SET count = {table}.count + EXCLUDED.count
"""


def adjust(petition_id: int, delta: int) -> None:
    """Add delta to one random shard. Call inside the transaction that changes the status.

    An upsert, so that shards come into being on first use and a petition
    never needs its shards created in advance.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT.format(table=CountShard._meta.db_table, rows="VALUES (%s, %s, %s)"),
            [petition_id, random.randrange(settings.COUNT_SHARDS), delta],
        )


def with_increment(insert_sql: str, params, *, petition_id: int) -> tuple[str, list]:
    """One statement: insert_sql (an INSERT ... RETURNING) and +1 on a random shard per row it inserts.

    Run in autocommit it is its own transaction: a counted signature costs one
    round trip instead of four (BEGIN, INSERT, upsert, COMMIT). It returns
    what insert_sql returns.
    """
    upsert = _UPSERT.format(table=CountShard._meta.db_table, rows="SELECT %s, %s, 1 FROM inserted")
    return (
        f"WITH inserted AS ({insert_sql}), counted AS ({upsert}) SELECT * FROM inserted",
        [*params, petition_id, random.randrange(settings.COUNT_SHARDS)],
    )


def recount(petition) -> tuple[int, int]:
    """Compare the stored count with a real COUNT(*) and repair it. Returns (stored, real).

    Every status change writes its signature row first and its shard last, in
    one transaction, or both in one statement (with_increment), which locks
    both tables before it writes to either. Locking the shard table against
    writes therefore waits for signers that already touched a shard to
    commit, and holds back the rest before they touch one, so the real count
    and the shards are read at the same point. The lock blocks signing on every petition for the few
    milliseconds of one COUNT(*), which is why this is a command, not a view.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {CountShard._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        stored = count_for(petition)
        real = Signature.objects.filter(petition=petition).counted().count()
        if stored != real:
            CountShard.objects.filter(petition=petition).delete()
            CountShard.objects.create(petition=petition, shard=0, count=real)
    return stored, real
