"""Anonymising signatures some time after their petition closes.

What stays: every signature row with its status, dates, state, country and
language, so the count, the per-state totals and `recount` are unchanged.
What goes: name, email, ZIP, city, district, comment and the abuse signals.
The canonical email becomes a keyed hash rather than blank: the unique
constraint still holds (a reopened petition still refuses a second signature
from the same address), but the address cannot be recovered or confirmed by
guessing without the key.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petition.models import Petition
from signatures.abuse.signals import keyed_hash
from signatures.models import Signature

BATCH = 1000


def petitions_due(now=None):
    """Petitions closed at least RETENTION_DAYS ago (by their closing date or their status)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)
    return Petition.objects.filter(
        Q(closes_at__lte=cutoff) | Q(status=Petition.Status.CLOSED, updated_at__lte=cutoff)
    )


def anonymous_email(canonical: str) -> str:
    return f"anonymised:{keyed_hash(canonical)}"


@transaction.atomic
def signatures_anonymise(*, petition) -> int:
    """Remove the personal data of a petition's signatures. Returns how many were anonymised."""
    remaining = Signature.objects.filter(petition=petition, anonymised_at__isnull=True)
    rows = list(remaining.select_for_update().values_list("pk", "email_canonical"))
    Signature.objects.bulk_update(
        [Signature(pk=pk, email_canonical=anonymous_email(email)) for pk, email in rows],
        ["email_canonical"],
        batch_size=BATCH,
    )
    return remaining.update(
        name="",
        email="",
        postal_code="",
        city="",
        district="",
        district_split=False,
        comment="",
        public=False,
        ip_hash="",
        user_agent_family="",
        fill_seconds=None,
        email_domain="",
        email_disposable=False,
        anonymised_at=timezone.now(),
    )
