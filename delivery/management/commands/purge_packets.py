from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from delivery.services import packets_purge


class Command(BaseCommand):
    help = "Delete the files of delivery packets made more than DELIVERY_KEEP_DAYS ago (their records stay)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.DELIVERY_KEEP_DAYS,
            help="Delete those made longer ago than this (default: DELIVERY_KEEP_DAYS, %(default)s).",
        )

    def handle(self, *, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = packets_purge(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} delivery packet file(s) made more than {days} days ago.")
