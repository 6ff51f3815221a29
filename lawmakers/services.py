"""Every write of the lawmakers app: replacing the members, and counting a reported call."""

import datetime

from django.db import connection, transaction

from lawmakers.models import CallTally, Legislator, LegislatorData, Office

ACTIONS = ("called", "wrote")


@transaction.atomic
def legislators_replace(*, members: list[dict], taken_on: datetime.date, source: str) -> int:
    """Replace every member and office in one transaction, and record the data's date.

    The call tallies stay: they name members by Bioguide ID.
    """
    Office.objects.all().delete()
    Legislator.objects.all().delete()
    fields = [f.name for f in Legislator._meta.concrete_fields]
    Legislator.objects.bulk_create(Legislator(**{k: m[k] for k in fields}) for m in members)
    Office.objects.bulk_create(
        Office(legislator_id=m["bioguide"], **office) for m in members for office in m["offices"]
    )
    LegislatorData.objects.all().delete()
    LegislatorData.objects.create(taken_on=taken_on, source=source)
    return len(members)


def tally_record(*, petition, bioguide: str, action: str) -> None:
    """Add one to a member's called or wrote count for a petition.

    One statement: concurrent presses each add their one, with no lost
    update and no duplicate-row error on the first press for a member.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    table = CallTally._meta.db_table
    called, wrote = int(action == "called"), int(action == "wrote")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (petition_id, bioguide, called, wrote) VALUES (%s, %s, %s, %s)
            ON CONFLICT (petition_id, bioguide) DO UPDATE
            SET called = {table}.called + EXCLUDED.called, wrote = {table}.wrote + EXCLUDED.wrote
            """,
            [petition.pk, bioguide, called, wrote],
        )
