from django.core.management.base import BaseCommand
from django.utils import timezone

from ops.scheduler import JOBS, Scheduler


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs until stopped: requeue_mail every 5 minutes; purge_pending and "
        "anonymise_closed every night. (The nightly backup is ops/postgres/nightly-backup.)"
    )

    def handle(self, **options):
        Scheduler(JOBS, now=timezone.localtime()).run_forever()
