"""ZIP codes to congressional districts: the Census file, the table, and the signatures it updates."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from places.districts import district_label
from places.models import ZipDistrict
from places.states import STATES
from signatures import services
from tests.support.factories import make_signature

# The layout of the Census Bureau's national relationship file for the 119th
# Congress (tab20_cd11920_zcta520_natl.txt): a byte-order mark, a header, pipes.
HEADER_119 = (
    "OID_CD119_20|GEOID_CD119_20|NAMELSAD_CD119_20|AREALAND_CD119_20|AREAWATER_CD119_20|"
    "MTFCC_CD119_20|FUNCSTAT_CD119_20|OID_ZCTA5_20|GEOID_ZCTA5_20|NAMELSAD_ZCTA5_20|"
    "AREALAND_ZCTA5_20|AREAWATER_ZCTA5_20|MTFCC_ZCTA5_20|CLASSFP_ZCTA5_20|FUNCSTAT_ZCTA5_20|"
    "AREALAND_PART|AREAWATER_PART"
)


def row(congress_geoid, zcta, land=1000, water=0, name="Congressional District"):
    return f"1|{congress_geoid}|{name}|5000|0|G5200|N|2|{zcta}|ZCTA5 {zcta}|3000|0|G6350|B5|S|{land}|{water}"


# A national file names every state: one row per state, in ZCTAs 000xx that no
# sample uses, makes a sample a file load_districts accepts.
NATIONAL = [row(f"{state.fips}01", f"000{state.fips}") for state in STATES if not state.delegate_only]


def write_file(tmp_path, rows, header=HEADER_119, name="tab20_cd11920_zcta520_natl.txt"):
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join([header, *rows, *NATIONAL]) + "\n", encoding="utf-8")
    return path


def sample_rows():
    """The stored rows of the sample, without the rows that make it national."""
    return sorted(ZipDistrict.objects.exclude(zcta__startswith="000").values_list("zcta", "district"))


SAMPLE = [
    row("4820", "78205"),  # San Antonio: one district
    row("4820", "78209"),
    row("4821", "78209"),  # split between TX-20 and TX-21
    row("4821", "78006", land=0, water=500),
    row("4823", "78006"),  # touches TX-21 only in water
    row("0200", "99501"),  # Alaska: at large
    row("48ZZ", "78999"),  # no district defined
    row("4835", "", land=800),  # the district's land outside every ZCTA
]


def test_load_districts_reads_the_census_file_and_marks_split_zips(db, tmp_path, capsys):
    call_command("load_districts", str(write_file(tmp_path, SAMPLE)))
    assert sample_rows() == [
        ("78006", "TX-23"),
        ("78205", "TX-20"),
        ("78209", "TX-20"),
        ("78209", "TX-21"),
        ("99501", "AK-AL"),
    ]
    assert (
        f"Loaded {4 + len(NATIONAL)} ZIP codes (1 of them in more than one district)"
        in capsys.readouterr().out
    )


def test_signatures_get_their_district_at_signing_once_districts_are_loaded(petition, signer_data, tmp_path):
    call_command("load_districts", str(write_file(tmp_path, SAMPLE)))
    one = services.signature_create(petition=petition, **signer_data(postal_code="78205")).signature
    split = services.signature_create(
        petition=petition, **signer_data(email="b@example.org", postal_code="78209")
    ).signature
    assert (one.district, one.district_split) == ("TX-20", False)
    assert (split.district, split.district_split) == ("", True)


def test_loading_districts_updates_the_signatures_already_stored(petition, tmp_path):
    one = make_signature(petition, email="a@x.org", postal_code="78205")
    split = make_signature(petition, email="b@x.org", postal_code="78209")
    gone = make_signature(petition, email="c@x.org", postal_code="99501")
    abroad = make_signature(petition, email="d@x.org", postal_code="78205", country="MX")
    call_command("load_districts", str(write_file(tmp_path, SAMPLE)))
    # A later file in which 99501 moved and 78209 lies in one district only.
    call_command("load_districts", str(write_file(tmp_path, [row("4820", "78205"), row("4821", "78209")])))
    for signature in (one, split, gone, abroad):
        signature.refresh_from_db()
    assert (one.district, one.district_split) == ("TX-20", False)
    assert (split.district, split.district_split) == ("TX-21", False)
    assert (gone.district, gone.district_split) == ("", False)
    assert (abroad.district, abroad.district_split) == ("", False)


def test_load_districts_reads_the_118th_congress_file_too(db, tmp_path):
    header = HEADER_119.replace("CD119", "CD118")
    call_command("load_districts", str(write_file(tmp_path, [row("3612", "10001")], header=header)))
    assert sample_rows() == [("10001", "NY-12")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("zip,district\n10001,NY-12\n", "Not a ZIP-to-district CSV"),
        ("GEOID|NAME\n3612|x\n", "Not a Census congressional district"),
        (HEADER_119 + "\n" + row("3612", "10001", land="many") + "\n", "Line 2: AREALAND_PART"),
        (HEADER_119 + "\n", "names no district in 50 state"),
        # Cut short mid-row, and whole rows but only the first states.
        ("\n".join([HEADER_119, *NATIONAL, row("3612", "10001")[:30]]), "is the file cut short"),
        ("\n".join([HEADER_119, *NATIONAL[:20]]), "names no district in 30 state"),
    ],
)
def test_load_districts_refuses_a_file_it_cannot_read_and_keeps_what_was_loaded(
    db, tmp_path, content, message
):
    call_command("load_districts", str(write_file(tmp_path, SAMPLE)))
    bad = tmp_path / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_districts", str(bad))
    assert len(sample_rows()) == 5


def test_load_districts_says_when_the_file_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_districts", str(tmp_path / "nope.txt"))


@pytest.mark.parametrize(
    ("geoid", "label"),
    [("4823", "TX-23"), ("0200", "AK-AL"), ("1198", "DC-AL"), ("7298", "PR-AL"), ("48ZZ", ""), ("9901", "")],
)
def test_a_district_is_labelled_as_people_write_it(geoid, label):
    assert district_label(geoid) == label


SHIPPED = Path(__file__).resolve().parents[2] / "places" / "data" / "zccd.csv"


def test_a_fresh_database_has_the_shipped_table_of_the_119th_congress(db):
    # Loaded by the migration places/0002_default_districts (the test
    # database is made by the migrations).
    rows = dict.fromkeys(["05401", "78201", "10001", "99501"])
    for zcta in rows:
        rows[zcta] = sorted(ZipDistrict.objects.filter(zcta=zcta).values_list("district", flat=True))
    assert rows == {
        "05401": ["VT-AL"],
        "78201": ["TX-20", "TX-35"],
        "10001": ["NY-10", "NY-12"],
        "99501": ["AK-AL"],
    }
    assert ZipDistrict.objects.count() == 42_033


def test_load_districts_reads_the_zccd_csv_and_updates_signatures(petition, tmp_path, capsys):
    split = make_signature(petition, email="a@x.org", postal_code="78201")
    ZipDistrict.objects.all().delete()
    call_command("load_districts", str(SHIPPED))
    split.refresh_from_db()
    assert (split.district, split.district_split) == ("", True)
    assert ZipDistrict.objects.count() == 42_033
    assert "Loaded 33774 ZIP codes" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (lambda lines: lines[:5000], "names no district in"),  # whole rows, the first states only
        (lambda lines: [*lines[:-1], lines[-1][:4]], "Line 42034: expected 4 columns"),  # cut mid-row
        (lambda lines: [lines[0], "48,TX,78201,20", "06,TX,78202,20", *lines[1:]], "Line 3: state 'TX'"),
        (lambda lines: [lines[0], "50,VT,5401,0", *lines[1:]], "Line 2: not a ZIP code"),
        (lambda lines: ["fips,state,zip,district", *lines[1:]], "Not a ZIP-to-district CSV"),
    ],
)
def test_load_districts_refuses_a_bad_or_truncated_zccd_csv_and_changes_nothing(
    petition, tmp_path, cut, message
):
    signature = make_signature(petition, email="a@x.org", postal_code="05401")
    before = ZipDistrict.objects.count()
    bad = tmp_path / "zccd.csv"
    bad.write_text("\n".join(cut(SHIPPED.read_text().splitlines())), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_districts", str(bad))
    assert ZipDistrict.objects.count() == before
    signature.refresh_from_db()
    assert signature.district == "VT-AL"
