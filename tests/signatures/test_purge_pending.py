from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from signatures import services
from signatures.counting import count_for
from signatures.models import Signature, SignatureMail
from tests.support.factories import make_signature


def signed(petition, email, *, days_ago, confirm=False):
    """A signature made days_ago, still pending unless confirm."""
    signature = make_signature(petition, email=email, confirmed=confirm)
    Signature.objects.filter(pk=signature.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return signature


def test_it_deletes_only_signatures_pending_longer_than_the_age(make_petition):
    petition = make_petition(requires_confirmation=True)
    old = signed(petition, "old@example.org", days_ago=61)
    signed(petition, "recent@example.org", days_ago=59)
    signed(petition, "confirmed@example.org", days_ago=90, confirm=True)
    out = StringIO()
    call_command("purge_pending", stdout=out)
    assert "Deleted 1 signature(s) pending for more than 60 days." in out.getvalue()
    assert sorted(Signature.objects.values_list("email", flat=True)) == [
        "confirmed@example.org",
        "recent@example.org",
    ]
    assert not SignatureMail.objects.filter(signature_id=old.pk).exists()
    assert count_for(petition) == 1
    call_command("recount", petition.slug, "--check", stdout=StringIO())


def test_the_age_is_configurable(make_petition, settings):
    petition = make_petition(requires_confirmation=True)
    signed(petition, "a@example.org", days_ago=11)
    signed(petition, "b@example.org", days_ago=5)
    call_command("purge_pending", "--days", "10", stdout=StringIO())
    assert list(Signature.objects.values_list("email", flat=True)) == ["b@example.org"]
    settings.PURGE_PENDING_AFTER_DAYS = 3
    call_command("purge_pending", stdout=StringIO())
    assert Signature.objects.count() == 0


def test_it_works_through_many_in_batches(make_petition):
    petition = make_petition(requires_confirmation=True)
    for n in range(7):
        signed(petition, f"p{n}@example.org", days_ago=70)
    assert services.signature_purge_pending(older_than=timedelta(days=60), batch_size=3) == 7
    assert Signature.objects.count() == 0
