"""Delivery targets (with whether signer names may go to them) and the packets made for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from petition.models import Petition
from signatures.models import SignatureExport


class DeliveryTarget(models.Model):
    """Someone a petition is delivered to, and whether its packet may name the signers.

    A row exists once an organizer has set the choice or a packet was made
    for the target; until then the default of its kind applies (DEFAULT_NAMES).
    """

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Representative (a district)")
        STATE = "state", _("Senators (a state)")
        NAMED = "named", _("A target named in the petition (an agency or body)")

    # Names leave the site only to a signer's own elected officials: a
    # Representative or Senators get their constituents' names, anyone else
    # (ICE, CBP, "U.S. Senate" as a whole) counts and public comments only.
    DEFAULT_NAMES = {Kind.DISTRICT: True, Kind.STATE: True, Kind.NAMED: False}

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("petition")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    # TX-20 for a district, TX for a state, the line of the petition's targets otherwise.
    code = models.CharField(_("target"), max_length=200)
    names_allowed = models.BooleanField(
        _("signer names may go to this target"),
        help_text=_(
            "Off: the packet carries counts per state and per district and public comments, never a name."
        ),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("delivery target")
        verbose_name_plural = _("delivery targets")
        ordering = ["petition", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "kind", "code"], name="one_delivery_target_per_code"),
            models.CheckConstraint(
                condition=Q(kind__in=["district", "state", "named"]), name="delivery_target_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.get_kind_display()})"


class DeliveryPacketQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[DeliveryPacket.Status.QUEUED, DeliveryPacket.Status.BUILDING])


class DeliveryPacket(models.Model):
    """One packet: for whom, by whom, when, how far along, and where its file is."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        BUILDING = "building", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Scope(models.TextChoices):
        DISTRICT = "district", _("Representative (a district)")
        STATE = "state", _("Senators (a state)")
        NAMED = "named", _("A target named in the petition")
        ALL_OFFICES = "all", _("Every office of Congress (a ZIP archive)")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("petition")
    )
    scope = models.CharField(_("for"), max_length=10, choices=Scope)
    # As for DeliveryTarget.code; empty for every office at once.
    code = models.CharField(_("target"), max_length=200, blank=True)
    # The addressee as printed on the cover, in the packet's language.
    addressee = models.CharField(_("addressed to"), max_length=300)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    names_allowed = models.BooleanField(_("carries signer names"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # Rows written so far of the rows expected when it was started.
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows expected"), default=0)
    names = models.PositiveIntegerField(_("names"), null=True, blank=True)
    # A random name under settings.DELIVERY_DIR: never served but by the admin view.
    file_name = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    export = models.OneToOneField(
        SignatureExport,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("export log entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("made by"),
    )
    # Kept as text as well, so the record still says who after the account is deleted.
    actor = models.CharField(_("by"), max_length=150)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = DeliveryPacketQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery packet")
        verbose_name_plural = _("delivery packets")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["petition", "-created_at"], name="packet_petition_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "building", "done", "failed"]),
                name="delivery_packet_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.addressee} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.progress * 100 // self.total) if self.total else 0

    @property
    def extension(self) -> str:
        return "zip" if self.scope == self.Scope.ALL_OFFICES else "pdf"

    @property
    def download_name(self) -> str:
        label = slugify(self.code) or "all-offices"
        return f"{self.petition.slug}-{label}-{self.created_at:%Y-%m-%d}.{self.extension}"
