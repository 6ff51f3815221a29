import getpass
import sys

from django.core.management.base import BaseCommand, CommandError

from petition.models import Petition
from signatures import exports
from signatures.management.progress import ProgressBar
from signatures.models import Signature, SignatureExport


class Command(BaseCommand):
    help = (
        "Export a petition's signers as CSV (or a ZIP archive per state or district). "
        "The delivery list never holds emails or ZIP codes; the organizer list does. "
        "Every export is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The petition's slug.")
        parser.add_argument(
            "--kind", choices=SignatureExport.Kind.values, default=SignatureExport.Kind.DELIVERY
        )
        parser.add_argument(
            "--all-statuses",
            action="store_true",
            help="Include pending, struck and flagged signatures (default: confirmed only).",
        )
        parser.add_argument("--split", choices=exports.Split.values, default=exports.Split.NONE)
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (default: the dated file name in the current folder; - for standard output).",
        )

    def handle(self, *, slug, kind, all_statuses, split, output, **options):
        petition = Petition.objects.filter(slug=slug).first()
        if petition is None:
            raise CommandError(f"No petition with slug: {slug}")
        queryset = Signature.objects.filter(petition=petition)
        to_stdout = output == "-"
        # The bar only on a terminal: a pipe or a log gets no control characters.
        progress = (
            None
            if to_stdout or not self.stdout.isatty()
            else ProgressBar(
                self.stdout, exports.export_queryset(queryset, kind=kind, all_statuses=all_statuses).count()
            )
        )
        export = exports.export_start(
            queryset=queryset,
            kind=kind,
            all_statuses=all_statuses,
            split=split,
            user=None,
            actor=f"{getpass.getuser()} (command line)",
            via=SignatureExport.Via.COMMAND,
            petition=petition,
            on_row=progress.advance if progress else None,
        )
        path = output or export.filename
        try:
            target = sys.stdout.buffer if to_stdout else open(path, "wb")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        try:
            for chunk in export.chunks:
                target.write(chunk)
                if to_stdout:
                    # A pipe gets each chunk as it is made (the first, the
                    # header, long before the buffer would fill).
                    target.flush()
        finally:
            if not to_stdout:
                target.close()
        if progress:
            progress.done()
        if not to_stdout:
            self.stdout.write(f"Wrote {export.log.rows} signature(s) to {path}")
