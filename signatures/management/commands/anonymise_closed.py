from django.conf import settings
from django.core.management.base import BaseCommand

from signatures.retention import petitions_due, signatures_anonymise


class Command(BaseCommand):
    help = (
        "Remove signers' personal data from petitions closed more than RETENTION_DAYS ago, "
        "keeping counts and per-state totals. Safe to run daily."
    )

    def handle(self, *args, **options):
        for petition in petitions_due():
            n = signatures_anonymise(petition=petition)
            if n:
                self.stdout.write(f"{petition.slug}: {n} signatures anonymised")
        self.stdout.write(f"Done (retention: {settings.RETENTION_DAYS} days after closing).")
