from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from ops.scheduler import Scheduler, jobs


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs until stopped: requeue_mail every 5 minutes; purge_pending, "
        "anonymise_closed and a backup into BACKUP_DIR (the newest 14 kept) every night."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backup-dir", type=Path, default=Path("backups"), metavar="BACKUP_DIR")

    def handle(self, *, backup_dir, **options):
        backup_dir.mkdir(parents=True, exist_ok=True)
        Scheduler(jobs(backup_dir=backup_dir.resolve()), now=timezone.localtime()).run_forever()
