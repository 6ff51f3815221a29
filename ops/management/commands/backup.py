from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ops import backup


class Command(BaseCommand):
    help = "Write a consistent dump of the database (pg_dump's custom format) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *, file, **options):
        backup.dump(file, database=settings.DATABASES["default"])
        self.stdout.write(f"Wrote {file} ({file.stat().st_size:,} bytes).")
