"""Congressional districts of ZIP codes, from the Census Bureau's relationship file or zccd.csv.

Either file (loaded by `manage.py load_districts`, and zccd.csv by the
migration places/0002_default_districts) says which districts each ZIP Code
Tabulation Area overlaps; a ZCTA is the Census approximation of a ZIP's area.
Where a ZIP lies in several districts the ZIP alone cannot say which one, so
a signature from it is marked split instead.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from places.models import ZipDistrict
from places.states import STATE_BY_FIPS, STATES
from places.zips import zip5

# A ZIP's district and whether it is split, from its rows of the ZIP-to-district
# table: a ZIP in one district gets it, a ZIP in several is split, any other
# (no rows) gets neither. The one place this rule is written: signing
# (DISTRICT_SQL) and reloading the table (signatures.services) both use it.
DISTRICT_COLUMNS = (
    "CASE WHEN count(*) = 1 THEN min(district) ELSE '' END AS district, count(*) > 1 AS district_split"
)

# A new signature's district and district_split, as a subquery of its INSERT
# (signatures.services._insert), so that looking it up costs no round trip of
# its own. One row whatever the ZIP. Its one parameter is zips.zip5() of the
# postal code.
DISTRICT_SQL = f"SELECT {DISTRICT_COLUMNS} FROM {ZipDistrict._meta.db_table} WHERE zcta = %s"


def district_label(geoid: str) -> str:
    """A Census district GEOID as people write it: 4823 is TX-23, 0200 (at large) is AK-AL.

    "" for codes that name no district (ZZ: water or undefined areas).
    """
    state, number = STATE_BY_FIPS.get(geoid[:2]), geoid[2:]
    if state is None or not number.isdigit():
        return ""
    # 00: the state elects one member at large; 98: a non-voting delegate.
    return f"{state}-AL" if number in ("00", "98") else f"{state}-{number}"


def district_fields(postal_code: str, country: str) -> dict:
    """The district and district_split of a postal code, as DISTRICT_SQL gives them to an INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(DISTRICT_SQL, [zip5(postal_code, country)])
        district, split = cursor.fetchone()
    return {"district": district, "district_split": split}


def read_relationship_file(lines: Iterable[str]) -> dict[str, set[str]]:
    """ZCTA -> districts from a Census CD-to-ZCTA relationship file (any Congress).

    Columns are found by name (GEOID_CD<congress>_20, GEOID_ZCTA5_20,
    AREALAND_PART), so the 118th and 119th Congress files both work. Only
    overlaps with land count: a ZIP that touches a district in a lake is not
    split. Raises ValueError when the header is not that of such a file.
    """
    reader = csv.DictReader(lines, delimiter="|")
    header = [name.lstrip("\ufeff") for name in reader.fieldnames or []]
    reader.fieldnames = header
    if "AREALAND_PART" not in header:
        raise ValueError(
            "Not a Census congressional district to ZCTA relationship file: no AREALAND_PART column."
        )
    district_column = next((n for n in header if n.startswith("GEOID_CD") and n.endswith("_20")), None)
    if district_column is None or "GEOID_ZCTA5_20" not in header:
        raise ValueError(
            "Not a Census congressional district to ZCTA relationship file: "
            "expected GEOID_CD…_20 and GEOID_ZCTA5_20 columns."
        )
    districts: dict[str, set[str]] = defaultdict(set)
    for line, row in enumerate(reader, start=2):
        if None in row.values():
            raise ValueError(f"Line {line}: fewer columns than the header (is the file cut short?)")
        zcta, label = (row["GEOID_ZCTA5_20"] or "").strip(), district_label(row[district_column] or "")
        land = (row.get("AREALAND_PART") or "0").strip()
        if not land.isdigit():
            raise ValueError(f"Line {line}: AREALAND_PART is not a number: {land!r}")
        if len(zcta) == 5 and zcta.isdigit() and label and int(land) > 0:
            districts[zcta].add(label)
    return districts


# The header of zccd.csv (places/data/README.md), the table a fresh install starts with.
ZCCD_HEADER = ["state_fips", "state_abbr", "zcta", "cd"]


def read_zccd_file(lines: Iterable[str]) -> dict[str, set[str]]:
    """ZCTA -> districts from a `state_fips,state_abbr,zcta,cd` file (places/data/zccd.csv).

    Every row must be whole: a file cut short mid-row, or a row whose state
    code and FIPS code disagree, is refused (ValueError naming the line).
    """
    reader = csv.reader(lines)
    header = [name.lstrip("\ufeff").strip() for name in next(reader, [])]
    if header != ZCCD_HEADER:
        raise ValueError(f"Not a ZIP-to-district CSV: expected the header {','.join(ZCCD_HEADER)}.")
    districts: dict[str, set[str]] = defaultdict(set)
    for line, row in enumerate(reader, start=2):
        if len(row) != len(ZCCD_HEADER):
            raise ValueError(f"Line {line}: expected 4 columns, found {len(row)} (is the file cut short?)")
        fips, state, zcta, number = (cell.strip() for cell in row)
        if STATE_BY_FIPS.get(fips) != state:
            raise ValueError(f"Line {line}: state {state!r} does not match FIPS code {fips!r}")
        if not (len(zcta) == 5 and zcta.isdigit() and number.isdigit() and len(number) <= 2):
            raise ValueError(f"Line {line}: not a ZIP code and district number: {zcta!r}, {number!r}")
        districts[zcta].add(district_label(f"{fips}{int(number):02d}"))
    return districts


def read_district_file(lines: Iterable[str]) -> dict[str, set[str]]:
    """ZCTA -> districts from either file, told apart by its first line; a national file or ValueError.

    A national file names a district in every state: one that does not was
    cut short, or is not what the organizer meant to load.
    """
    lines = iter(lines)
    first = next(lines, "")
    read = read_relationship_file if "|" in first else read_zccd_file
    districts = read([first, *lines])
    found = {label.split("-")[0] for labels in districts.values() for label in labels}
    missing = [state.code for state in STATES if not state.delegate_only and state.code not in found]
    if missing:
        raise ValueError(
            f"The file names no district in {len(missing)} state(s) ({', '.join(missing[:10])}"
            f"{', …' if len(missing) > 10 else ''}): a national file names every state; "
            "is it cut short? Nothing was loaded."
        )
    return districts


def zip_districts_replace(*, districts: dict[str, set[str]], using=connection) -> None:
    """Replace the whole ZIP-to-district table. In the caller's transaction, with what it updates.

    One COPY (about 42,000 rows in a fraction of a second), so that the
    migration loading the default table does not slow down creating a
    database, the test database included.
    """
    table = ZipDistrict._meta.db_table
    with using.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        # psycopg's COPY, through the cursor Django hands out.
        with cursor.copy(f"COPY {table} (zcta, district) FROM STDIN") as copy:
            for zcta, labels in sorted(districts.items()):
                for label in sorted(labels):
                    copy.write_row((zcta, label))
