"""Every signature's canonical email in the form of signatures/canonical.py as of issue 13.

The new form folds more spellings of one mailbox together (NFKC and IDNA
domains, quoted local parts, +tags on every domain, Yahoo's -keyword), so two
rows of one petition may now be one person. Of each such group one row is
kept (a confirmed one before the others, then the oldest) and the others are
struck with a reason naming the kept row, never deleted, and the petitions
that lost a counted row have their count shards set to the real count. Each
group is printed (ids only, never an address), then a summary.

The rules are copied here, not imported: a migration must keep doing what it
did when it was written, whatever the module becomes.
"""

import re
import unicodedata

from django.db import migrations
from django.utils import timezone

BATCH = 5_000
LABEL = "0010_canonical_email_v2"

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
YAHOO_DOMAINS = {"ymail.com", "rocketmail.com"}
_ESCAPED = re.compile(r"\\(.)")


def canonical_email(address: str) -> str:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    domain = unicodedata.normalize("NFKC", domain).lower().removesuffix(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = _ESCAPED.sub(r"\1", local[1:-1])
    local = unicodedata.normalize("NFKC", local).lower()
    local = local.split("+", 1)[0] or local
    if domain in YAHOO_DOMAINS or domain.startswith("yahoo."):
        local = local.split("-", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", "") or local, "gmail.com"
    return f"{local}@{domain}"


def recompute(apps, schema_editor):
    Signature = apps.get_model("signatures", "Signature")
    CountShard = apps.get_model("signatures", "CountShard")
    table, shards = Signature._meta.db_table, CountShard._meta.db_table
    now = timezone.now()
    with schema_editor.connection.cursor() as cursor:
        # The rows whose canonical email or domain changes, with their new values.
        cursor.execute(
            "CREATE TEMPORARY TABLE canonical_v2 ("
            " id bigint PRIMARY KEY, petition_id bigint NOT NULL,"
            " canonical varchar(254) NOT NULL, domain varchar(254) NOT NULL)"
        )
        changed = _fill(cursor, Signature.objects.using(schema_editor.connection.alias))
        groups = _collisions(cursor, table)
        struck, recount = [], set()
        for petition_id, canonical, ids, statuses in groups:
            kept, *others = ids
            print(f"{LABEL}: petition {petition_id}: kept signature {kept}, struck {', '.join(map(str, others))}")
            for pk, status in zip(others, statuses[1:]):
                # A form no real address has, so that the unique constraint holds.
                struck.append((pk, petition_id, f"dup-{pk}:{canonical}"[:254], canonical.rpartition("@")[2], kept))
                if status == "confirmed":
                    recount.add(petition_id)
        if struck:
            cursor.executemany(
                "INSERT INTO canonical_v2 (id, petition_id, canonical, domain) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET canonical = EXCLUDED.canonical, domain = EXCLUDED.domain",
                [row[:4] for row in struck],
            )
            cursor.executemany(
                f"UPDATE {table} SET status = 'struck', status_changed_at = %s, status_changed_by_id = NULL,"
                " status_reason = %s WHERE id = %s",
                [
                    (now, f"Duplicate of signature {kept} under the new canonical email form (migration 0010)", pk)
                    for pk, *_, kept in struck
                ],
            )
        # Unique values first, then the new ones: PostgreSQL checks a unique
        # constraint row by row, so a row may not take a form another still holds.
        cursor.execute(
            f"UPDATE {table} s SET email_canonical = 'v2-' || s.id FROM canonical_v2 c"
            " WHERE c.id = s.id AND s.email_canonical <> c.canonical"
        )
        cursor.execute(
            f"UPDATE {table} s SET email_canonical = c.canonical, email_domain = c.domain"
            " FROM canonical_v2 c WHERE c.id = s.id"
        )
        for petition_id in sorted(recount):
            cursor.execute(f"DELETE FROM {shards} WHERE petition_id = %s", [petition_id])
            cursor.execute(
                f"INSERT INTO {shards} (petition_id, shard, count)"
                f" SELECT %s, 0, count(*) FROM {table} WHERE petition_id = %s AND status = 'confirmed'",
                [petition_id, petition_id],
            )
        cursor.execute("DROP TABLE canonical_v2")
    print(
        f"{LABEL}: {changed} signatures changed form, {len(groups)} collision groups, "
        f"{len(struck)} signatures struck, {len(recount)} petition counts repaired"
    )


def _fill(cursor, signatures) -> int:
    """Put the rows whose form changes into canonical_v2, a batch at a time. Returns how many."""
    rows = signatures.filter(anonymised_at__isnull=True).order_by("pk")
    fields = ("pk", "petition_id", "email", "email_canonical", "email_domain")
    changed, last = 0, 0
    while batch := list(rows.filter(pk__gt=last).values_list(*fields)[:BATCH]):
        last = batch[-1][0]
        new = []
        for pk, petition_id, email, old_canonical, old_domain in batch:
            canonical = canonical_email(email)
            domain = canonical.rpartition("@")[2]
            if (canonical, domain) != (old_canonical, old_domain):
                new.append((pk, petition_id, canonical, domain))
        if new:
            cursor.executemany(
                "INSERT INTO canonical_v2 (id, petition_id, canonical, domain) VALUES (%s, %s, %s, %s)", new
            )
            changed += len(new)
    return changed


def _collisions(cursor, table) -> list:
    """Groups of rows of one petition with one new form: (petition, form, ids, statuses), the one to keep first.

    Only a form some row changed to can be shared: the others were unique before.
    """
    cursor.execute(
        f"""
        WITH target AS (
            SELECT s.id, s.petition_id, COALESCE(c.canonical, s.email_canonical) AS canonical,
                   s.status, s.created_at
            FROM {table} s LEFT JOIN canonical_v2 c ON c.id = s.id
        )
        SELECT petition_id, canonical,
               array_agg(id ORDER BY status = 'confirmed' DESC, created_at, id),
               array_agg(status ORDER BY status = 'confirmed' DESC, created_at, id)
        FROM target
        WHERE (petition_id, canonical) IN (SELECT petition_id, canonical FROM canonical_v2)
        GROUP BY petition_id, canonical
        HAVING count(*) > 1
        ORDER BY petition_id, canonical
        """
    )
    return cursor.fetchall()


class Migration(migrations.Migration):

    dependencies = [("signatures", "0009_signer_requests")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
