from django.core.management.base import BaseCommand

from updates.sending import requeue_unsent


class Command(BaseCommand):
    help = (
        "Queue the next batch of every update being emailed that has no batch waiting: after a worker "
        "was killed mid-batch, or a task was lost. Idempotent, so running it too often is harmless."
    )

    def handle(self, **options):
        self.stdout.write(f"Queued {requeue_unsent()} batch(es) of update emails.")
