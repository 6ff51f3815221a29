from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from signatures.services import signature_purge_pending


class Command(BaseCommand):
    help = "Delete signatures that were never confirmed, with their personal data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PURGE_PENDING_AFTER_DAYS,
            help="Delete those pending for longer than this (default: PURGE_PENDING_AFTER_DAYS, %(default)s).",
        )

    def handle(self, *, days, **options):
        deleted = signature_purge_pending(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} signature(s) pending for more than {days} days.")
