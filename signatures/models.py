import ipaddress

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from petition.models import Petition
from signatures.validators import validate_ip_network


class SignatureQuerySet(models.QuerySet):
    def counted(self):
        """The signatures that count toward a petition's total: confirmed ones."""
        return self.filter(status=Signature.Status.CONFIRMED)

    def pending(self):
        return self.filter(status=Signature.Status.PENDING)

    def public(self):
        """Counted signatures whose signers chose to be shown by name."""
        return self.counted().filter(public=True)


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        STRUCK = "struck", _("Struck")
        # Stored from requests that looked automated; never counted until an
        # organizer restores them.
        FLAGGED = "flagged", _("Flagged")

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("petition")
    )
    name = models.CharField(_("name"), max_length=200)
    # As typed, for sending mail; email_canonical decides who is a duplicate.
    email = models.EmailField(_("email"), max_length=254)
    email_canonical = models.CharField(_("canonical email"), max_length=254)
    postal_code = models.CharField(_("ZIP/postal code"), max_length=12)
    country = CountryField(_("country"), default="US")
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state"), max_length=2, blank=True, help_text=_("US state code."))
    district = models.CharField(
        _("congressional district"), max_length=8, blank=True,
        help_text=_("Like TX-23; empty when unknown or when the ZIP spans districts."),
    )
    district_split = models.BooleanField(_("ZIP spans several districts"), default=False)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    public = models.BooleanField(_("show name and comment publicly"), default=False)
    opt_in = models.BooleanField(_("keep me updated"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    source = models.CharField(_("source"), max_length=64, blank=True, help_text=_("The ?src= code."))

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("status changed by"),
    )
    status_reason = models.CharField(_("reason for the last status change"), max_length=300, blank=True)

    # Signals kept for abuse review. The IP is stored only as a keyed hash.
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True)
    user_agent_family = models.CharField(_("browser"), max_length=40, blank=True)
    fill_seconds = models.PositiveIntegerField(_("seconds to fill the form"), null=True, blank=True)
    email_domain = models.CharField(_("email domain"), max_length=254, blank=True)
    email_disposable = models.BooleanField(
        _("disposable email domain"), default=False,
        help_text=_("The domain is on the maintained list of throwaway-address providers."),
    )
    # Set once the retention command has removed the signer's personal data.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            # One signature per person per petition, decided by the database
            # so that concurrent requests cannot both pass a check in Python.
            models.UniqueConstraint(
                fields=["petition", "email_canonical"], name="one_signature_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "struck", "flagged"]),
                name="signature_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=False) | ~Q(status="confirmed"),
                name="confirmed_signature_has_confirmed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "status", "-created_at"], name="sig_petition_status_created"),
            models.Index(fields=["email_canonical"], name="sig_email_canonical"),
            models.Index(fields=["petition", "region"], name="sig_petition_region"),
            models.Index(fields=["ip_hash", "created_at"], name="sig_ip_hash_created"),
        ]

    def __str__(self):
        return f"{self.name} ({self.petition})"

    @property
    def is_counted(self) -> bool:
        return self.status == self.Status.CONFIRMED


class CountShardQuerySet(models.QuerySet):
    def total(self, petition) -> int:
        return self.filter(petition=petition).aggregate(n=Sum("count"))["n"] or 0


class CountShard(models.Model):
    """One of COUNT_SHARDS running counts of a petition's counted signatures.

    The count shown is the sum of a petition's shards: at most COUNT_SHARDS
    rows to read whatever the number of signatures. Every change of a
    signature into or out of the counted state adds +1 or -1 to one shard
    chosen at random, in the same transaction as the change, so the sum is
    exact and concurrent signers rarely wait on the same row lock.
    `manage.py recount` checks the sum against a real COUNT(*) and repairs it.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="count_shards")
    shard = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0)

    objects = CountShardQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "shard"], name="one_row_per_count_shard"),
        ]

    def __str__(self):
        return f"{self.petition_id}/{self.shard}: {self.count}"


class AllowListEntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now())

    def covers(self, ip: str) -> bool:
        address = ipaddress.ip_address(ip)
        return any(
            address in ipaddress.ip_network(entry.network, strict=False)
            for entry in self.active().only("network")
        )


class AllowListEntry(models.Model):
    """An address or network whose signers skip the per-address limits for a while.

    For a signing table at a rally or community centre, where many people sign
    from one connection. The per-email limit still applies.
    """

    network = models.CharField(
        _("IP address or network"), max_length=50, validators=[validate_ip_network],
        help_text=_("One address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/48)."),
    )
    expires_at = models.DateTimeField(
        _("expires"), help_text=_("Keep it short: the end of the event.")
    )
    note = models.CharField(_("note"), max_length=200, help_text=_("Which event, who asked."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AllowListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("allow-list entry")
        verbose_name_plural = _("allow-list entries")
        ordering = ["-expires_at"]

    def __str__(self):
        return f"{self.network} ({self.note})"

    def clean(self):
        try:
            self.network = str(ipaddress.ip_network(self.network.strip(), strict=False))
        except ValueError:
            pass  # the field's validator has already reported it


class InvalidationBatch(models.Model):
    """Signatures struck together by criteria, so that they can be restored together."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="+", verbose_name=_("petition")
    )
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True)
    email_domain = models.CharField(_("email domain"), max_length=254, blank=True)
    signed_from = models.DateTimeField(_("signed from"), null=True, blank=True)
    signed_until = models.DateTimeField(_("signed until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    previewed_count = models.PositiveIntegerField(_("matching when previewed"))
    struck_count = models.PositiveIntegerField(_("struck"), default=0)
    restored_count = models.PositiveIntegerField(_("restored"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("undone by"),
    )
    signatures = models.ManyToManyField(
        Signature, blank=True, related_name="invalidation_batches", verbose_name=_("signatures struck")
    )

    class Meta:
        verbose_name = _("invalidation")
        verbose_name_plural = _("invalidations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ip_hash="") | ~Q(email_domain="")
                | Q(signed_from__isnull=False) | Q(signed_until__isnull=False),
                name="invalidation_has_a_criterion",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.petition}: {self.reason}"

    @property
    def strike_reason(self) -> str:
        """The reason written on each signature it strikes; undo restores only those still bearing it."""
        return f"Invalidation #{self.pk}: {self.reason}"[:300]
