import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command

from signatures import counting, services
from signatures.models import CountShard, Signature


def real_count(petition):
    return Signature.objects.filter(petition=petition).counted().count()


@pytest.fixture
def organizer(db):
    return User.objects.create_user("organizer", is_staff=True)


def test_the_count_follows_signing_confirming_striking_restoring_and_withdrawing(
    make_petition, signer_data, organizer
):
    petition = make_petition(requires_confirmation=True)
    sigs = [
        services.signature_create(petition=petition, **signer_data(email=f"s{i}@example.org")).signature
        for i in range(6)
    ]
    assert counting.count_for(petition) == 0

    for signature in sigs[:5]:
        assert services.signature_confirm(signature=signature) is True
    assert services.signature_confirm(signature=sigs[0]) is False  # a second click
    assert counting.count_for(petition) == 5

    services.signature_strike(signature=sigs[0], by=organizer, reason="Duplicate person")
    services.signature_strike(signature=sigs[5], by=organizer, reason="Spam")  # pending: not counted
    assert counting.count_for(petition) == 4

    services.signature_restore(signature=sigs[0], by=organizer, reason="Checked: real person")
    services.signature_restore(signature=sigs[5], by=organizer, reason="Checked")
    sigs[5].refresh_from_db()
    assert sigs[5].status == Signature.Status.PENDING
    assert counting.count_for(petition) == 5

    services.signature_withdraw(signature=sigs[1])
    assert not Signature.objects.filter(pk=sigs[1].pk).exists()
    assert counting.count_for(petition) == 4 == real_count(petition)

    stored, real = counting.recount(petition)
    assert stored == real == 4


def test_strike_records_who_why_and_when(petition, signer_data, organizer):
    signature = services.signature_create(petition=petition, **signer_data()).signature
    services.signature_strike(signature=signature, by=organizer, reason="Fake name")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.STRUCK
    assert signature.status_changed_by == organizer
    assert signature.status_reason == "Fake name"
    assert signature.status_changed_at is not None


def test_strike_and_restore_need_a_reason_and_change_nothing_without_one(petition, signer_data, organizer):
    signature = services.signature_create(petition=petition, **signer_data()).signature
    with pytest.raises(ValidationError):
        services.signature_strike(signature=signature, by=organizer, reason="  ")
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert counting.count_for(petition) == 1


def test_confirming_by_hand_needs_a_reason(make_petition, signer_data, organizer):
    petition = make_petition(requires_confirmation=True)
    signature = services.signature_create(petition=petition, **signer_data()).signature
    with pytest.raises(ValidationError):
        services.signature_confirm(signature=signature, by=organizer)
    assert services.signature_confirm(signature=signature, by=organizer, reason="Wrote in by post")
    assert counting.count_for(petition) == 1


def test_a_struck_signature_cannot_be_confirmed_by_its_link(make_petition, signer_data, organizer):
    petition = make_petition(requires_confirmation=True)
    signature = services.signature_create(petition=petition, **signer_data()).signature
    services.signature_strike(signature=signature, by=organizer, reason="Bot")
    with pytest.raises(ValidationError):
        services.signature_confirm(signature=signature)
    assert counting.count_for(petition) == 0


def test_reading_the_count_reads_at_most_one_row_per_shard(petition, signer_data, settings):
    for i in range(200):
        services.signature_create(petition=petition, **signer_data(email=f"s{i}@example.org"))
    assert CountShard.objects.filter(petition=petition).count() <= settings.COUNT_SHARDS
    assert counting.count_for(petition) == 200


def test_recount_repairs_a_wrong_count_and_prints_both(petition, signer_data, capsys):
    for i in range(3):
        services.signature_create(petition=petition, **signer_data(email=f"s{i}@example.org"))
    CountShard.objects.filter(petition=petition).delete()
    CountShard.objects.create(petition=petition, shard=7, count=100)
    call_command("recount", petition.slug)
    assert "stored 100, real 3: repaired to 3" in capsys.readouterr().out
    assert counting.count_for(petition) == 3
    call_command("recount", petition.slug)
    assert "stored 3, real 3: ok" in capsys.readouterr().out


def test_recount_rejects_an_unknown_slug(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No petition with slug: nope"):
        call_command("recount", "nope")
