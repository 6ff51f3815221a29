"""Every write of the delivery app: starting a packet, building it, recording its download."""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from delivery import packets, targets
from delivery.models import DeliveryPacket
from signatures.models import SignatureExport

logger = logging.getLogger(__name__)

# The progress shown in admin is saved every this many rows: often enough to
# move, rarely enough to cost nothing next to drawing the rows.
PROGRESS_EVERY = 1000


def packet_start(
    *, petition, scope: str, code: str = "", language: str = "en", user=None, actor: str = "", via: str
) -> DeliveryPacket:
    """Record a packet to make (and its export log entry). Raises targets.TargetError for a bad target.

    Nothing is built yet: packet_enqueue hands it to the worker, packet_write builds it.
    """
    target = targets.resolve(petition, scope, code)
    with translation.override(language):
        addressee = target.label() if target else gettext("Every office of Congress")
    # Every office at once follows each office's own choice (packets.write_zip).
    names_allowed = target.names_allowed(petition) if target else True
    with transaction.atomic():
        export = SignatureExport.objects.create(
            user=user,
            actor=actor or (user.get_username() if user else ""),
            via=via,
            kind=SignatureExport.Kind.DELIVERY,
            petition=petition,
            filters={
                "packet": scope,
                "target": target.code if target else "",
                "language": language,
                "names": names_allowed,
            },
            columns=packets.NAME_COLUMNS if names_allowed else packets.COUNT_COLUMNS,
        )
        return DeliveryPacket.objects.create(
            petition=petition,
            scope=scope,
            code=target.code if target else "",
            addressee=addressee,
            language=language,
            names_allowed=names_allowed,
            export=export,
            created_by=user,
            actor=export.actor,
        )


def packet_enqueue(packet: DeliveryPacket) -> None:
    # Imported here: the task module imports this one.
    from delivery.tasks import build_packet

    transaction.on_commit(lambda: build_packet.enqueue(packet.pk))


class _Progress:
    """Counts rows as they are drawn, saves the count now and then, and tells the caller's bar."""

    def __init__(self, packet: DeliveryPacket, on_rows):
        self.packet, self.on_rows, self.rows, self.saved = packet, on_rows, 0, 0

    def __call__(self, rows: int) -> None:
        self.rows += rows
        if self.on_rows:
            self.on_rows(rows)
        if self.rows - self.saved >= PROGRESS_EVERY:
            self.saved = self.rows
            DeliveryPacket.objects.filter(pk=self.packet.pk).update(progress=self.rows)


def packet_write(*, packet: DeliveryPacket, out, on_total=None, on_rows=None) -> int:
    """Build the packet into out (a binary file); returns how many names it carries.

    on_total(rows) is told how many rows are coming before the first is drawn,
    on_rows(n) after each n (the command's progress bar).
    """
    tally = packets.Tally.of(packet.petition)
    target = targets.resolve(packet.petition, packet.scope, packet.code)
    offices = tally.offices() if target is None else [target]
    packet.total = sum(tally.of_target(office) for office in offices)
    packet.status = DeliveryPacket.Status.BUILDING
    packet.save(update_fields=["total", "status"])
    if on_total:
        on_total(packet.total)
    progress = _Progress(packet, on_rows)
    with translation.override(packet.language):
        if target is None:
            return packets.write_zip(out, petition=packet.petition, tally=tally, on_rows=progress)
        return packets.write_pdf(
            out,
            petition=packet.petition,
            target=target,
            names_allowed=packet.names_allowed,
            tally=tally,
            on_rows=progress,
        )


def packet_finish(
    *, packet: DeliveryPacket, names: int, file_name: str = "", size: int | None = None
) -> None:
    with transaction.atomic():
        packet.names, packet.file_name, packet.size = names, file_name, size
        packet.status, packet.progress, packet.finished_at = (
            DeliveryPacket.Status.DONE,
            packet.total,
            timezone.now(),
        )
        packet.save(update_fields=["names", "file_name", "size", "status", "progress", "finished_at"])
        packet.export.rows = names
        packet.export.save(update_fields=["rows"])


def packet_fail(*, packet: DeliveryPacket, error: BaseException) -> None:
    DeliveryPacket.objects.filter(pk=packet.pk).update(
        status=DeliveryPacket.Status.FAILED,
        error=f"{type(error).__name__}: {error}"[:2000],
        finished_at=timezone.now(),
    )


def packet_path(packet: DeliveryPacket) -> Path:
    return Path(settings.DELIVERY_DIR) / packet.file_name


def packets_purge(*, older_than: timedelta) -> int:
    """Delete the files of packets made before now - older_than; the packets' records stay.

    A packet carries signers' names: once it has been delivered, a copy left
    on the server is only a risk. The record (who, when, for whom, how many
    names) stays in the list and the export log. Unfinished packets that old
    are marked failed: their worker is long gone. Returns how many files went.
    """
    cutoff = timezone.now() - older_than
    DeliveryPacket.objects.unfinished().filter(created_at__lt=cutoff).update(
        status=DeliveryPacket.Status.FAILED, error="Never finished.", finished_at=timezone.now()
    )
    deleted = 0
    for packet in DeliveryPacket.objects.filter(created_at__lt=cutoff).exclude(file_name=""):
        path = packet_path(packet)
        path.unlink(missing_ok=True)
        path.with_name(f"{path.name}.part").unlink(missing_ok=True)
        DeliveryPacket.objects.filter(pk=packet.pk).update(file_name="")
        deleted += 1
    return deleted


def packet_build(*, packet_id: int) -> str:
    """The worker's job: build a queued packet into a file of its own under DELIVERY_DIR.

    Written under a temporary name and renamed when complete, so a file that
    exists is whole; the name is random, and only the admin view serves it.
    """
    packet = DeliveryPacket.objects.select_related("petition", "export").get(pk=packet_id)
    if packet.status != DeliveryPacket.Status.QUEUED:
        # Run twice (a worker restarted mid-task): the first run decides.
        return packet.status
    directory = Path(settings.DELIVERY_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    file_name = f"{secrets.token_urlsafe(24)}.{packet.extension}"
    partial = directory / f"{file_name}.part"
    try:
        with open(partial, "wb") as out:
            names = packet_write(packet=packet, out=out)
        os.replace(partial, directory / file_name)
    except Exception as error:
        partial.unlink(missing_ok=True)
        logger.exception("Delivery packet %s failed", packet.pk)
        packet_fail(packet=packet, error=error)
        raise
    packet_finish(
        packet=packet, names=names, file_name=file_name, size=(directory / file_name).stat().st_size
    )
    return packet.status


def packet_download_log(*, packet: DeliveryPacket, user) -> None:
    """A download hands the list to one more person: recorded in the export log like the build."""
    SignatureExport.objects.create(
        user=user,
        actor=user.get_username(),
        via=SignatureExport.Via.ADMIN,
        kind=SignatureExport.Kind.DELIVERY,
        petition=packet.petition,
        filters={**packet.export.filters, "download of packet": packet.pk},
        columns=packet.export.columns,
        rows=packet.names,
    )
