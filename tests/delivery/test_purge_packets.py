"""Packet files carry names: deleted DELIVERY_KEEP_DAYS after they were made, their records kept."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from delivery import services
from delivery.models import DeliveryPacket
from signatures.models import SignatureExport
from tests.support.factories import make_staff


@pytest.fixture
def packets_dir(settings, tmp_path):
    settings.DELIVERY_DIR = tmp_path / "delivery"
    return settings.DELIVERY_DIR


def built(petition, *, days_ago: int) -> DeliveryPacket:
    packet = services.packet_start(petition=petition, scope="state", code="TX", via="admin", actor="someone")
    services.packet_build(packet_id=packet.pk)
    DeliveryPacket.objects.filter(pk=packet.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    packet.refresh_from_db()
    assert packet.status == DeliveryPacket.Status.DONE
    return packet


def test_old_packet_files_are_deleted_and_their_records_stay(
    petition, signers, packets_dir, settings, capsys
):
    settings.DELIVERY_KEEP_DAYS = 30
    old, recent = built(petition, days_ago=31), built(petition, days_ago=29)
    old_file, recent_file = services.packet_path(old), services.packet_path(recent)
    assert old_file.exists() and recent_file.exists()

    call_command("purge_packets")

    assert "Deleted 1 delivery packet file(s) made more than 30 days ago." in capsys.readouterr().out
    assert not old_file.exists()
    assert recent_file.exists()
    old.refresh_from_db()
    assert old.file_name == "" and old.status == DeliveryPacket.Status.DONE and old.names == 4
    assert SignatureExport.objects.count() == 2  # the log of who made them stays
    assert list(packets_dir.iterdir()) == [recent_file]


def test_a_purged_packet_can_no_longer_be_downloaded(client, petition, signers, packets_dir):
    packet = built(petition, days_ago=40)
    call_command("purge_packets", "--days", "30")
    client.force_login(make_staff("organizer", "view_petition", "view_signature", "view_deliverypacket"))
    response = client.get(reverse("admin:delivery_packet_download", args=[packet.pk]))
    assert response.status_code == 404
    assert SignatureExport.objects.count() == 1  # no download was recorded


def test_a_packet_that_never_finished_is_marked_failed(petition, signers, packets_dir):
    packet = services.packet_start(petition=petition, scope="state", code="TX", via="admin", actor="someone")
    DeliveryPacket.objects.filter(pk=packet.pk).update(
        status=DeliveryPacket.Status.BUILDING, created_at=timezone.now() - timedelta(days=31)
    )
    call_command("purge_packets", "--days", "30")
    packet.refresh_from_db()
    assert packet.status == DeliveryPacket.Status.FAILED


def test_a_negative_number_of_days_is_refused(db, packets_dir):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("purge_packets", "--days", "-1")
