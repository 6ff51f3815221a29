"""Load the default ZIP-to-district table (places/data/zccd.csv, 119th Congress).

So that a fresh install knows every ZIP's district: the signatures, the
dashboard, the exports and the lawmaker lookup work with no download.
`manage.py load_districts` replaces it with a newer file or the Census
Bureau's own. One COPY: it adds about half a second to creating a database.
"""

from pathlib import Path

from django.db import migrations

ZCCD = Path(__file__).resolve().parent.parent / "data" / "zccd.csv"


def load(apps, schema_editor):
    from places.districts import read_district_file, zip_districts_replace

    with ZCCD.open(encoding="utf-8", newline="") as lines:
        districts = read_district_file(lines)
    zip_districts_replace(districts=districts, using=schema_editor.connection)


def empty(apps, schema_editor):
    schema_editor.execute("DELETE FROM places_zipdistrict")


class Migration(migrations.Migration):
    dependencies = [("places", "0001_zip_districts")]

    operations = [migrations.RunPython(load, empty)]
