"""Where a signer is: city and state from the ZIP, congressional district from Census data.

City and state come from the `zipcodes` package (USPS data shipped with it,
no web request), looked up in a dictionary (petition/zip_places.py).
Districts come from the Census Bureau's ZCTA-to-district relationship file
loaded by `manage.py load_districts`. A ZCTA is the Census
approximation of a ZIP's area; where a ZIP lies in several districts the ZIP
alone cannot say which one, so the signature is marked as split instead.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from petition.zip_places import place_of
from signatures.models import Signature, ZipDistrict

# State FIPS codes (the first two digits of a district GEOID) to USPS codes.
STATE_BY_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}
US_STATES = sorted(set(STATE_BY_FIPS.values()))


def zip5(postal_code: str, country: str) -> str:
    """The 5-digit ZIP of a US postal code ("78205-1234" gives "78205"), else ""."""
    code = postal_code.strip()[:5]
    return code if country == "US" and len(code) == 5 and code.isdigit() else ""


def district_label(geoid: str) -> str:
    """A Census district GEOID as people write it: 4823 is TX-23, 0200 (at large) is AK-AL.

    "" for codes that name no district (ZZ: water or undefined areas).
    """
    state, number = STATE_BY_FIPS.get(geoid[:2]), geoid[2:]
    if state is None or not number.isdigit():
        return ""
    # 00: the state elects one member at large; 98: a non-voting delegate.
    return f"{state}-AL" if number in ("00", "98") else f"{state}-{number}"


def place_fields(postal_code: str, country: str) -> dict:
    """The Signature fields a postal code fills in from the package: city and region.

    The district comes from the database, in the INSERT itself (DISTRICT_SQL).
    """
    place = place_of(zip5(postal_code, country) or "-")
    return {"city": place[0][:100], "region": place[1]} if place else {}


def district_fields(postal_code: str, country: str) -> dict:
    """The district and district_split of a postal code, as DISTRICT_SQL gives them to an INSERT."""
    districts = list(
        ZipDistrict.objects.filter(zcta=zip5(postal_code, country)).values_list("district", flat=True)[:2]
    )
    return {"district": districts[0] if len(districts) == 1 else "", "district_split": len(districts) > 1}


# A new signature's district and district_split, from the ZIP-to-district table,
# as a subquery of the INSERT (signatures.services._insert), so that looking
# it up costs no round trip of its own. One row whatever the ZIP: a ZIP in
# one district gets it, a ZIP in several is split, any other gets neither.
# Its one parameter is zip5() of the postal code.
DISTRICT_SQL = f"""
    SELECT CASE WHEN count(*) = 1 THEN min(district) ELSE '' END AS district,
           count(*) > 1 AS district_split
    FROM {ZipDistrict._meta.db_table} WHERE zcta = %s
"""


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
    district_column = next(
        (n for n in header if n.startswith("GEOID_CD") and n.endswith("_20")), None
    )
    if district_column is None or "GEOID_ZCTA5_20" not in header:
        raise ValueError(
            "Not a Census congressional district to ZCTA relationship file: "
            "expected GEOID_CD…_20 and GEOID_ZCTA5_20 columns."
        )
    districts: dict[str, set[str]] = defaultdict(set)
    for line, row in enumerate(reader, start=2):
        zcta, label = (row["GEOID_ZCTA5_20"] or "").strip(), district_label(row[district_column] or "")
        land = (row.get("AREALAND_PART") or "0").strip()
        if not land.isdigit():
            raise ValueError(f"Line {line}: AREALAND_PART is not a number: {land!r}")
        if len(zcta) == 5 and zcta.isdigit() and label and int(land) > 0:
            districts[zcta].add(label)
    return districts


@transaction.atomic
def districts_replace(*, districts: dict[str, set[str]]) -> int:
    """Replace the ZIP-to-district table and bring every US signature's district up to date.

    Returns the number of signatures whose district changed.
    """
    ZipDistrict.objects.all().delete()
    ZipDistrict.objects.bulk_create(
        (ZipDistrict(zcta=zcta, district=d) for zcta, ds in districts.items() for d in sorted(ds)),
        batch_size=5000,
    )
    signatures, zips = Signature._meta.db_table, ZipDistrict._meta.db_table
    with connection.cursor() as cursor:
        # One statement: a ZIP in one district gets it, a ZIP in several is
        # marked split, a ZIP no longer in the file loses what it had.
        cursor.execute(
            f"""
            WITH per_zip AS (
                SELECT zcta, CASE WHEN count(*) = 1 THEN min(district) ELSE '' END AS district,
                       count(*) > 1 AS split
                FROM {zips} GROUP BY zcta
            ), wanted AS (
                SELECT s.id, coalesce(p.district, '') AS district, coalesce(p.split, false) AS split
                FROM {signatures} s LEFT JOIN per_zip p ON p.zcta = left(s.postal_code, 5)
                WHERE s.country = 'US'
            )
            UPDATE {signatures} s SET district = w.district, district_split = w.split
            FROM wanted w
            WHERE s.id = w.id AND (s.district, s.district_split) IS DISTINCT FROM (w.district, w.split)
            """
        )
        return cursor.rowcount
