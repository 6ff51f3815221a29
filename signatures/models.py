from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from petition.models import Petition


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
    comment_hidden = models.BooleanField(
        _("comment hidden"), default=False,
        help_text=_("Hidden by an organizer: the name still shows, the comment does not."),
    )
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

    @property
    def public_name(self) -> str:
        """First name and last initial, as the recent signers list shows them."""
        parts = self.name.split()
        if len(parts) < 2:
            return self.name.strip()
        return f"{parts[0]} {parts[-1][0]}."

    @property
    def public_comment(self) -> str:
        return "" if self.comment_hidden else self.comment


class CommentFlag(models.Model):
    """A visitor's report that a public comment is abusive; organizers decide what to hide.

    One per visitor (a keyed hash of their IP) and signature, so a flag is
    idempotent and the count is the number of different people who flagged.
    """

    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="comment_flags", verbose_name=_("signature")
    )
    visitor_hash = models.CharField(_("visitor hash"), max_length=64)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment flag")
        verbose_name_plural = _("comment flags")
        constraints = [
            models.UniqueConstraint(fields=["signature", "visitor_hash"], name="one_flag_per_visitor"),
        ]

    def __str__(self):
        return f"{self.signature_id} {self.created_at:%Y-%m-%d %H:%M}"


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
