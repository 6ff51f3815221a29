"""The Delivery pages in admin: who may use them, the build through the real task worker, the download."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from delivery import services
from delivery.models import DeliveryPacket, DeliveryTarget
from signatures.models import SignatureExport
from tests.support.factories import make_staff
from tests.support.mailtools import run_worker


@pytest.fixture
def organizer(db, client):
    client.force_login(
        make_staff(
            "organizer", "view_signature", "view_petition", "add_deliverytarget", "change_deliverytarget"
        )
    )
    return client


@pytest.fixture
def packets_dir(settings, tmp_path):
    settings.DELIVERY_DIR = tmp_path / "delivery"
    return settings.DELIVERY_DIR


def delivery_url(petition):
    return reverse("admin:delivery_petition", args=[petition.pk])


def a_packet(petition, **fields):
    return services.packet_start(
        petition=petition, scope="state", code="TX", via="admin", actor="someone", **fields
    )


def test_an_organizer_without_the_export_permission_is_refused_every_delivery_url(
    client, petition, signers, packets_dir
):
    # Every permission of the delivery app itself, but not the delivery list's.
    perms = [p.codename for p in Permission.objects.filter(content_type__app_label="delivery")]
    client.force_login(make_staff("no-export", "view_petition", *perms))
    packet = a_packet(petition)
    services.packet_build(packet_id=packet.pk)
    urls = [
        delivery_url(petition),
        reverse("admin:delivery_packet_progress", args=[packet.pk]),
        reverse("admin:delivery_packet_progress", args=[packet.pk]) + "?format=json",
        reverse("admin:delivery_packet_download", args=[packet.pk]),
        reverse("admin:delivery_deliverypacket_changelist"),
        reverse("admin:delivery_deliverypacket_change", args=[packet.pk]),
        reverse("admin:delivery_deliverytarget_changelist"),
        reverse("admin:delivery_deliverytarget_add"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(delivery_url(petition), {"scope": "state", "state": "TX", "language": "en"})
    assert response.status_code == 403
    assert DeliveryPacket.objects.count() == 1
    # Only the build above: no download was recorded.
    assert SignatureExport.objects.count() == 1


def test_strangers_are_sent_to_sign_in(client, petition, signers, packets_dir):
    packet = a_packet(petition)
    services.packet_build(packet_id=packet.pk)
    response = client.get(reverse("admin:delivery_packet_download", args=[packet.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_delivery_page_offers_every_kind_of_target_and_lists_packets(organizer, petition, signers):
    petition.targets = "U.S. Immigration and Customs Enforcement"
    petition.save()
    a_packet(petition)
    response = organizer.get(delivery_url(petition))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    html = response.content.decode()
    for scope in ("district", "state", "named", "all"):
        assert f'value="{scope}"' in html
    assert "U.S. Immigration and Customs Enforcement" in html
    assert "Offices of the Senators for Texas" in html  # the earlier packet
    assert "someone" in html


def test_the_petition_page_links_to_delivery(organizer, petition):
    response = organizer.get(reverse("admin:petition_petition_change", args=[petition.pk]))
    assert delivery_url(petition) in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"scope": "district", "district": "TX20"}, "is not a district"),
        ({"scope": "district", "district": ""}, "Choose whom to deliver to."),
        ({"scope": "state", "state": "DC"}, "Select a valid choice"),
        ({"scope": "named", "target": "The Moon"}, "Select a valid choice"),
        ({"scope": "everyone"}, "Select a valid choice"),
    ],
)
def test_a_bad_choice_is_shown_again_with_a_message_and_nothing_is_made(organizer, petition, data, message):
    response = organizer.post(delivery_url(petition), {"language": "en", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DeliveryPacket.objects.exists()
    assert not SignatureExport.objects.exists()


def test_a_packet_not_ready_cannot_be_downloaded(organizer, petition, signers):
    packet = a_packet(petition)
    response = organizer.get(reverse("admin:delivery_packet_progress", args=[packet.pk]))
    html = response.content.decode()
    assert "Check again" in html and "delivery-progress.js" in html
    assert 'http-equiv="refresh"' not in html
    assert organizer.get(reverse("admin:delivery_packet_download", args=[packet.pk])).status_code == 404
    status = organizer.get(
        reverse("admin:delivery_packet_progress", args=[packet.pk]) + "?format=json"
    ).json()
    assert status == {
        "status": "queued",
        "status_display": "Waiting to start",
        "percent": 0,
        "finished": False,
    }


def test_an_organizer_can_keep_names_from_a_representative(organizer, petition, signers, read_pdf, tmp_path):
    response = organizer.post(
        reverse("admin:delivery_deliverytarget_add"),
        {"petition": petition.pk, "kind": "district", "code": "tx-20", "names_allowed": ""},
    )
    assert response.status_code == 302
    assert DeliveryTarget.objects.get().code == "TX-20"
    packet = services.packet_start(petition=petition, scope="district", code="TX-20", via="admin", actor="x")
    assert packet.names_allowed is False
    with open(tmp_path / "p.pdf", "wb") as out:
        assert services.packet_write(packet=packet, out=out) == 0
    assert "José" not in read_pdf((tmp_path / "p.pdf").read_bytes())


def test_a_target_the_petition_does_not_name_cannot_be_set(organizer, petition):
    response = organizer.post(
        reverse("admin:delivery_deliverytarget_add"),
        {"petition": petition.pk, "kind": "named", "code": "The Moon", "names_allowed": "on"},
    )
    assert response.status_code == 200
    assert "is not one of this petition&#x27;s targets" in response.content.decode()
    assert not DeliveryTarget.objects.exists()


# The real db_worker closes the connection between tasks: it reads only committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_packet_and_the_organizer_downloads_it(
    settings, client, make_petition, districts, packets_dir, read_pdf
):
    from tests.support.factories import make_signature

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    petition = make_petition()
    make_signature(petition, name="José Peña Nuñez", email="jose@example.org", postal_code="78205")
    client.force_login(make_staff("builder", "view_signature"))
    response = client.post(
        delivery_url(petition), {"scope": "district", "district": "TX-20", "language": "es"}
    )
    packet = DeliveryPacket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:delivery_packet_progress", args=[packet.pk])
    assert packet.status == DeliveryPacket.Status.QUEUED
    run_worker()
    packet.refresh_from_db()
    assert (packet.status, packet.names, packet.percent) == ("done", 1, 100)
    stored = packets_dir / packet.file_name
    assert stored.is_file() and stored.stat().st_size == packet.size
    # A random name, not the petition's or the target's.
    assert petition.slug not in packet.file_name and "TX" not in packet.file_name
    page = client.get(reverse("admin:delivery_packet_progress", args=[packet.pk])).content.decode()
    download = reverse("admin:delivery_packet_download", args=[packet.pk])
    assert download in page and "delivery-progress.js" not in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{packet.download_name}"'
    text = read_pdf(b"".join(response.streaming_content))
    assert "José Peña Nuñez" in text
    build, download_log = SignatureExport.objects.order_by("created_at")
    assert (build.actor, build.rows, build.filters["language"]) == ("builder", 1, "es")
    assert download_log.filters["download of packet"] == packet.pk and download_log.rows == 1
