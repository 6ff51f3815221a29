from django.core.management.base import BaseCommand

from signatures.mail import requeue_unsent


class Command(BaseCommand):
    help = (
        "Queue again every signer email that is due and not sent: after a worker was killed "
        "mid-send, or a task was lost. Sending is idempotent, so running it too often is harmless."
    )

    def handle(self, **options):
        self.stdout.write(f"Queued {requeue_unsent()} unsent email(s).")
