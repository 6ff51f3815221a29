from django.core.management.base import BaseCommand, CommandError

from places.districts import read_district_file
from signatures import services


class Command(BaseCommand):
    help = (
        "Replace the ZIP-to-district table with the Census Bureau's congressional district to ZCTA "
        "relationship file (pipe-delimited, e.g. tab20_cd11920_zcta520_natl.txt) or a "
        "state_fips,state_abbr,zcta,cd CSV (places/data/zccd.csv), told apart by the header, "
        "and update every signature's district. A bad or incomplete file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the relationship file or the CSV.")

    def handle(self, *, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                districts = read_district_file(lines)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from None
        if not districts:
            raise CommandError(f"{file} names no ZIP code tabulation area: nothing loaded.")
        changed = services.districts_replace(by_zip=districts)
        split = sum(1 for ds in districts.values() if len(ds) > 1)
        self.stdout.write(
            f"Loaded {len(districts)} ZIP codes ({split} of them in more than one district); "
            f"updated the district of {changed} signature(s)."
        )
