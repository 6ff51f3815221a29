import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lawmakers import services, sources


class Command(BaseCommand):
    help = (
        "Replace the members of Congress with legislators-current.yaml (and their offices with "
        "legislators-district-offices.yaml), in one transaction. A bad or incomplete file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="legislators-current.yaml")
        parser.add_argument("--offices", help="legislators-district-offices.yaml")
        parser.add_argument(
            "--taken-on",
            type=datetime.date.fromisoformat,
            help="The date the files were taken from their source (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--write-snapshot",
            action="store_true",
            help=f"Also write the trimmed copy the project ships ({sources.SNAPSHOT.name}), which "
            "the migration loads on a fresh install.",
        )

    def handle(self, *, file, offices, taken_on, write_snapshot, **options):
        taken_on = taken_on or timezone.localdate()
        try:
            with open(file, encoding="utf-8") as members_file:
                if offices:
                    with open(offices, encoding="utf-8") as offices_file:
                        members = sources.read_legislators(members_file, offices_file)
                else:
                    members = sources.read_legislators(members_file)
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{error} Nothing was loaded.") from None
        services.legislators_replace(members=members, taken_on=taken_on, source=sources.SOURCE)
        if write_snapshot:
            sources.write_snapshot(members, taken_on=taken_on)
        senators = sum(1 for m in members if m["chamber"] == "sen")
        self.stdout.write(
            f"Loaded {len(members)} members of Congress ({senators} Senators, {len(members) - senators} "
            f"in the House) and {sum(len(m['offices']) for m in members)} offices, data of {taken_on}."
        )
        if vacant := sources.senate_vacancies(members):
            seats = ", ".join(f"{code} ({n})" for code, n in vacant.items())
            self.stdout.write(f"Vacant Senate seats in this data: {seats}.")
