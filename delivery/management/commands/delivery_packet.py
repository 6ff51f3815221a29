import getpass
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from delivery import services, targets
from delivery.models import DeliveryPacket
from petition.models import Petition
from signatures.management.progress import ProgressBar
from signatures.models import SignatureExport

Scope = DeliveryPacket.Scope


class Command(BaseCommand):
    help = (
        "Make a petition's delivery packet (PDF) for one office or target, or a ZIP of one PDF per office "
        "of Congress. Names go only to targets whose setting allows them. Every packet is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The petition's slug.")
        parser.add_argument("--output", "-o", required=True, help="File to write; - for standard output.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--district", help="A Representative's district, like TX-20 or VT-AL.")
        target.add_argument("--state", help="A state's Senators, by its two-letter code, like TX.")
        target.add_argument("--target", help="A target named in the petition, as written there.")
        target.add_argument(
            "--all-offices",
            action="store_true",
            help="Every office of Congress: a ZIP of one PDF per office.",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default="en",
            help="The packet's language (default en).",
        )

    def handle(self, *, slug, output, district, state, target, all_offices, language, **options):
        petition = Petition.objects.filter(slug=slug).first()
        if petition is None:
            raise CommandError(f"No petition with slug: {slug}")
        scope, code = next(
            (scope, value)
            for scope, value in [
                (Scope.DISTRICT, district),
                (Scope.STATE, state),
                (Scope.NAMED, target),
                (Scope.ALL_OFFICES, "" if all_offices else None),
            ]
            if value is not None
        )
        try:
            targets.resolve(petition, scope, code)
        except targets.TargetError as error:
            raise CommandError(str(error)) from None
        to_stdout = output == "-"
        # Written beside the output under a temporary name and renamed when
        # whole: a failure leaves no partial file, and an unwritable place
        # fails here, before anything is recorded.
        partial = None if to_stdout else _partial_file(Path(output))
        packet = services.packet_start(
            petition=petition,
            scope=scope,
            code=code,
            language=language,
            actor=f"{getpass.getuser()} (command line)",
            via=SignatureExport.Via.COMMAND,
        )
        progress = None

        def on_total(total):
            nonlocal progress
            # The bar only on a terminal: a pipe or a log gets no control characters.
            if not to_stdout and self.stdout.isatty():
                progress = ProgressBar(self.stdout, total)

        try:
            out = sys.stdout.buffer if to_stdout else partial
            names = services.packet_write(
                packet=packet, out=out, on_total=on_total, on_rows=lambda n: progress and progress.advance(n)
            )
            if to_stdout:
                out.flush()
            else:
                partial.close()
                os.replace(partial.name, output)
        except BaseException as error:
            if partial is not None:
                partial.close()
                Path(partial.name).unlink(missing_ok=True)
            services.packet_fail(packet=packet, error=error)
            if isinstance(error, OSError):
                raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
            raise
        services.packet_finish(packet=packet, names=names)
        if progress:
            progress.done()
        if not to_stdout:
            self.stdout.write(f"Wrote the packet for {packet.addressee} ({names} name(s)) to {output}")


def _partial_file(path: Path):
    if path.is_dir():
        raise CommandError(f"Cannot write {path}: it is a folder.")
    try:
        return tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
        )
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
