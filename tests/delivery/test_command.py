import re

import pytest
from django.core.management import CommandError, call_command

from delivery.models import DeliveryPacket
from signatures.models import SignatureExport


def run(petition, *args):
    call_command("delivery_packet", petition.slug, *args)


def test_it_writes_a_district_packet_and_records_it(petition, signers, tmp_path, read_pdf, capsys):
    output = tmp_path / "tx20.pdf"
    run(petition, "--district", "tx-20", "--output", str(output))
    text = read_pdf(output.read_bytes())
    assert "José Peña Nuñez" in text
    assert (
        "Wrote the packet for Office of the Representative for TX-20 (2 name(s))" in capsys.readouterr().out
    )
    packet = DeliveryPacket.objects.get()
    assert (packet.scope, packet.code, packet.status, packet.names) == ("district", "TX-20", "done", 2)
    log = SignatureExport.objects.get()
    assert log.via == SignatureExport.Via.COMMAND
    assert log.kind == SignatureExport.Kind.DELIVERY
    assert log.rows == 2
    assert log.filters["target"] == "TX-20"
    assert "email" not in log.columns and "postal_code" not in log.columns
    # Only the packet: no temporary file left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["tx20.pdf"]


def test_it_writes_to_standard_output(petition, signers, capfdbinary, read_pdf):
    run(petition, "--state", "VT", "--output", "-")
    data = capfdbinary.readouterr().out
    assert data.startswith(b"%PDF")
    assert "Vera Mont" in read_pdf(data)


def test_the_cover_is_spanish_with_language_es(petition, signers, tmp_path, read_pdf):
    output = tmp_path / "p.pdf"
    run(petition, "--district", "VT-AL", "--language", "es", "--output", str(output))
    assert "Oficina del Representante por VT-AL" in read_pdf(output.read_bytes())


def test_an_agency_gets_no_names_unless_its_setting_allows(petition, signers, tmp_path, read_pdf):
    petition.targets = "U.S. Immigration and Customs Enforcement"
    petition.save()
    output = tmp_path / "ice.pdf"
    run(petition, "--target", "U.S. Immigration and Customs Enforcement", "--output", str(output))
    text = read_pdf(output.read_bytes())
    assert "José" not in text and "Vera Mont" not in text
    assert DeliveryPacket.objects.get().names == 0
    assert SignatureExport.objects.get().columns == ["count per state", "count per district", "comments"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--district", "TX20"], "is not a district: write it as a state code and number"),
        (["--district", "ZZ-01"], "Unknown state code: ZZ"),
        (["--district", "TX-99"], "There is no congressional district TX-99"),
        (["--state", "Texas"], "Unknown state code: Texas"),
        (["--state", "DC"], "District of Columbia has no Senators"),
        (["--target", "The Moon"], "“The Moon” is not one of this petition's targets"),
        (["--district", "TX-20", "--state", "TX"], "not allowed with argument"),
        ([], "one of the arguments --district --state --target --all-offices is required"),
        (["--all-offices", "--language", "fr"], "invalid choice: 'fr'"),
    ],
)
def test_bad_arguments_give_a_clear_message_and_write_nothing(petition, signers, tmp_path, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(petition, *args, "--output", str(tmp_path / "out.pdf"))
    assert list(tmp_path.iterdir()) == []
    assert not DeliveryPacket.objects.exists()
    assert not SignatureExport.objects.exists()


def test_an_unknown_slug_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No petition with slug: nope"):
        call_command("delivery_packet", "nope", "--state", "TX", "--output", str(tmp_path / "x.pdf"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing-folder/out.pdf", "."])
def test_an_unwritable_output_is_refused_before_anything_is_recorded(petition, signers, tmp_path, where):
    with pytest.raises(CommandError, match="Cannot write"):
        run(petition, "--state", "TX", "--output", str(tmp_path / where))
    assert not DeliveryPacket.objects.exists()
    assert not SignatureExport.objects.exists()


def test_a_failure_midway_leaves_no_partial_file(petition, signers, tmp_path, monkeypatch):
    from delivery import packets

    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(packets, "_signers", broken)
    with pytest.raises(RuntimeError):
        run(petition, "--state", "TX", "--output", str(tmp_path / "tx.pdf"))
    assert list(tmp_path.iterdir()) == []
    packet = DeliveryPacket.objects.get()
    assert packet.status == DeliveryPacket.Status.FAILED
    assert "the disk caught fire" in packet.error
