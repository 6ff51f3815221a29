from django.core.management.base import BaseCommand

from signatures.mail import requeue_unsent


class Command(BaseCommand):
    help = (
        "Queue again every signer email that is due and not sent, and every signer request not done "
        "(sending again, withdrawal links, signing again): after a worker was killed mid-way, or a task "
        "was lost. Both are idempotent, so running it too often is harmless."
    )

    def handle(self, **options):
        self.stdout.write(f"Queued {requeue_unsent()} unsent email(s) and signer request(s).")
