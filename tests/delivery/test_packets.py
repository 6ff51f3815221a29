import io
import re
import zipfile

from django.utils import translation

from delivery import packets
from delivery.targets import district_target, named_target, state_target
from lawmakers.services import tally_record
from signatures.models import Signature


def build(petition, target, *, names_allowed=True) -> bytes:
    out = io.BytesIO()
    packets.write_pdf(
        out,
        petition=petition,
        target=target,
        names_allowed=names_allowed,
        tally=packets.Tally.of(petition),
        on_rows=lambda n: None,
    )
    return out.getvalue()


def test_a_district_packet_names_its_constituents_and_nothing_private(petition, signers, read_pdf):
    text = read_pdf(build(petition, district_target("TX-20")))
    assert petition.title in text
    assert "Office of the Representative for TX-20" in text
    assert "José Peña Nuñez" in text
    assert "San Antonio" in text
    assert "Familias unidas, por favor" in text
    # Ana is a constituent, but her comment was private.
    assert "Ana Quiet" in text
    assert "PRIVATE-COMMENT" not in text
    for signature in Signature.objects.all():
        assert signature.email not in text
    assert "78205" not in text
    # Other districts' signers, the split ZIP's and pending ones are not this office's.
    for name in ("Austin Neighbour", "Split Zipper", "Vera Mont", "Pending Person"):
        assert name not in text


def test_the_cover_names_the_office_and_the_calls_supporters_reported(petition, signers, congress, read_pdf):
    for _ in range(3):
        tally_record(petition=petition, bioguide="C001091", action="called")  # Joaquin Castro, TX-20
    tally_record(petition=petition, bioguide="C001091", action="wrote")
    tally_record(petition=petition, bioguide="C001056", action="called")  # John Cornyn
    text = read_pdf(build(petition, district_target("TX-20")))
    assert "Representative Joaquin Castro" in text
    assert re.search(r"Supporters who reported calling Representative Joaquin Castro\s*3", text)
    assert re.search(r"Supporters who reported writing to Representative Joaquin Castro\s*1", text)
    assert "Cornyn" not in text  # a Senator's calls are not the Representative's
    senators = read_pdf(build(petition, state_target("TX")))
    assert "Senator John Cornyn" in senators and "Senator Ted Cruz" in senators
    assert re.search(r"Supporters who reported calling Senator John Cornyn\s*1", senators)
    assert re.search(r"Supporters who reported calling Senator Ted Cruz\s*0", senators)
    with translation.override("es"):
        spanish = read_pdf(build(petition, district_target("TX-20")))
    assert re.search(r"Personas que informaron haber llamado a Representante Joaquin\sCastro\s*3", spanish)


def test_the_cover_counts_everyone_the_state_and_the_district(petition, signers, read_pdf):
    text = read_pdf(build(petition, district_target("TX-20")))
    assert re.search(r"Counted signatures, everywhere\s*5", text)
    assert re.search(r"Of them, constituents in TX-20\s*2", text)
    # Split-ZIP signers count in their state.
    assert re.search(r"Of them, in Texas\s*4", text)
    assert re.search(r"Page 1 of \d", text)


def test_the_senators_packet_lists_the_state_including_split_zips(petition, signers, read_pdf):
    text = read_pdf(build(petition, state_target("tx")))
    assert "Offices of the Senators for Texas" in text
    for name in ("José Peña Nuñez", "Ana Quiet", "Austin Neighbour", "Split Zipper"):
        assert name in text
    assert "Vera Mont" not in text


def test_signers_are_sorted_by_city_then_name(petition, signers, read_pdf):
    text = read_pdf(build(petition, state_target("TX")))
    assert text.index("Austin Neighbour") < text.index("Split Zipper") < text.index("Ana Quiet")
    assert text.index("Ana Quiet") < text.index("José Peña Nuñez")


def test_an_agency_packet_carries_counts_and_public_comments_never_a_name(petition, signers, read_pdf):
    petition.targets = "U.S. Immigration and Customs Enforcement\nU.S. Senate"
    petition.save()
    target = named_target(petition, "u.s. immigration and customs enforcement")
    text = read_pdf(build(petition, target, names_allowed=target.names_allowed(petition)))
    assert "U.S. Immigration and Customs Enforcement" in text
    for signature in Signature.objects.all():
        assert signature.name not in text
        assert signature.email not in text
        assert signature.postal_code not in text
    assert "San Antonio" not in text
    assert "Familias unidas, por favor" in text
    assert "PRIVATE-COMMENT" not in text
    assert re.search(r"Texas \(TX\)\s*4", text)
    assert re.search(r"TX-20\s*2", text)
    assert re.search(r"ZIP code spans several districts\s*1", text)


def test_a_hidden_comment_never_appears(petition, signers, read_pdf):
    Signature.objects.filter(pk=signers["jose"].pk).update(comment_hidden=True)
    petition.targets = "ICE"
    petition.save()
    for target, names in [(district_target("TX-20"), True), (named_target(petition, "ICE"), False)]:
        text = read_pdf(build(petition, target, names_allowed=names))
        assert "Familias unidas" not in text


def test_struck_and_flagged_signatures_are_left_out(petition, signers, read_pdf):
    Signature.objects.filter(pk=signers["jose"].pk).update(status=Signature.Status.STRUCK)
    Signature.objects.filter(pk=signers["ana"].pk).update(status=Signature.Status.FLAGGED)
    text = read_pdf(build(petition, district_target("TX-20")))
    assert "José" not in text and "Ana Quiet" not in text
    assert "Familias unidas" not in text


def test_accents_survive_extraction(petition, districts, read_pdf):
    from tests.support.factories import make_signature

    make_signature(petition, name="Ñandú Muñoz Güell", email="n@example.org", postal_code="78205")
    text = read_pdf(build(petition, district_target("TX-20")))
    assert "Ñandú Muñoz Güell" in text


def test_the_cover_is_in_spanish_when_asked(petition, signers, read_pdf):
    petition.title_es = "Protejan a las familias"
    petition.save()
    with translation.override("es"):
        data = build(petition, district_target("TX-20"))
    text = read_pdf(data)
    assert "Protejan a las familias" in text
    assert "Oficina del Representante por TX-20" in text
    assert "Página 1 de" in text


def test_every_office_gets_its_own_pdf_in_the_zip(petition, signers, read_pdf):
    out = io.BytesIO()
    names = packets.write_zip(
        out, petition=petition, tally=packets.Tally.of(petition), on_rows=lambda n: None
    )
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    slug = petition.slug
    assert sorted(archive.namelist()) == sorted(
        f"{slug}-{code}.pdf" for code in ["TX-20", "TX-37", "VT-AL", "TX", "VT"]
    )
    vermont = read_pdf(archive.read(f"{slug}-VT-AL.pdf"))
    assert "Vera Mont" in vermont and "José" not in vermont
    # TX-20 2, TX-37 1, VT-AL 1; Senators TX 4, VT 1.
    assert names == 9
