import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from petition.models import Petition
from updates import services
from updates.models import recipients


class Command(BaseCommand):
    help = (
        "Publish an update on a petition's page and email it to its supporters (confirmed signers who "
        "opted in, not unsubscribed or suppressed), through the same code as admin. Asks for "
        "confirmation, showing the number of recipients; --yes skips it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The petition's slug.")
        parser.add_argument("--subject", required=True, help="The update's title, and the email's subject.")
        parser.add_argument("--body-file", required=True, type=Path, help="The text, in Markdown (UTF-8).")
        parser.add_argument("--spanish-subject", default="", help="The Spanish title.")
        parser.add_argument("--spanish-file", type=Path, help="The Spanish text, in Markdown (UTF-8).")
        parser.add_argument("--no-email", action="store_true", help="Publish on the page only.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *, slug, subject, body_file, spanish_subject, spanish_file, no_email, yes, **options):
        petition = Petition.objects.filter(slug=slug).first()
        if petition is None:
            raise CommandError(f"No petition with slug: {slug}")
        body = _read(body_file)
        body_es = _read(spanish_file) if spanish_file else ""
        if spanish_subject and not body_es:
            raise CommandError(
                "--spanish-subject needs --spanish-file: a Spanish title over English text would confuse."
            )
        count = 0 if no_email else recipients(petition).count()
        if no_email:
            question = f"Publish “{subject}” on the page of “{petition.title}” (no email)?"
        else:
            question = f"Publish “{subject}” on the page of “{petition.title}” and email it to {count:,} supporter(s)?"
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Not a terminal, so nobody can confirm: run it again with --yes to go ahead."
                )
            if input(f"{question} [y/N] ").strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing published.")
        try:
            with transaction.atomic():
                update = services.update_create(
                    petition=petition, title=subject, body=body, title_es=spanish_subject, body_es=body_es
                )
                update = services.update_publish(update=update, email=not no_email)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            ) from None
        if no_email:
            self.stdout.write(f"Published update {update.pk} on the page (not emailed).")
        else:
            self.stdout.write(
                f"Published update {update.pk}; emailing it to {update.recipient_count:,} supporter(s) in the background."
            )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
