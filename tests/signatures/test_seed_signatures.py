import pytest
from django.core.management import CommandError, call_command

from signatures import services
from signatures.counting import count_for, recount
from signatures.models import Signature


def test_it_loads_the_signatures_and_counts_only_the_confirmed_ones(make_petition):
    petition = make_petition()
    call_command("seed_signatures", count=200, petition=petition.slug, pending_share=0.5)
    signatures = Signature.objects.filter(petition=petition)
    assert signatures.count() == 200
    confirmed = signatures.counted().count()
    assert 0 < confirmed < 200
    assert signatures.pending().count() == 200 - confirmed
    assert count_for(petition) == confirmed
    assert recount(petition) == (confirmed, confirmed)


def test_a_second_run_adds_to_the_first_with_new_addresses(make_petition):
    petition = make_petition()
    call_command("seed_signatures", count=30, petition=petition.slug, pending_share=0)
    call_command("seed_signatures", count=30, petition=petition.slug, pending_share=0)
    assert Signature.objects.filter(petition=petition).count() == 60
    assert count_for(petition) == 60


def test_it_adds_to_a_count_that_real_signatures_already_have(make_petition, signer_data):
    petition = make_petition()
    services.signature_create(petition=petition, **signer_data())
    call_command("seed_signatures", count=10, petition=petition.slug, pending_share=0)
    assert count_for(petition) == 11


def test_it_names_a_petition_that_does_not_exist(db):
    with pytest.raises(CommandError, match="No petition with slug 'nope'"):
        call_command("seed_signatures", count=1, petition="nope")
    assert not Signature.objects.exists()
