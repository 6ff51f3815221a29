from django.core.management.base import BaseCommand, CommandError

from petition.models import Petition
from signatures.counting import recount


class Command(BaseCommand):
    help = "Compare each petition's stored count with a real count of its signatures, and repair it."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Petitions to check (default: all).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with status 1 if any count was wrong (it is repaired all the same).",
        )

    def handle(self, *, slugs, check, **options):
        petitions = Petition.objects.order_by("pk")
        if slugs:
            petitions = petitions.filter(slug__in=slugs)
            missing = set(slugs) - set(petitions.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No petition with slug: {', '.join(sorted(missing))}")
        wrong = 0
        for petition in petitions:
            stored, real = recount(petition)
            if stored == real:
                self.stdout.write(f"{petition.slug}: stored {stored}, real {real}: ok")
            else:
                wrong += 1
                self.stdout.write(
                    self.style.WARNING(f"{petition.slug}: stored {stored}, real {real}: repaired to {real}")
                )
        if check and wrong:
            raise CommandError(f"{wrong} count(s) were wrong and have been repaired.", returncode=1)
