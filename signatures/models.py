import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
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

    def opted_in(self):
        """Signers who ticked "keep me updated about this campaign"."""
        return self.filter(opt_in=True)

    def public(self):
        """Counted signatures whose signers chose to be shown by name."""
        return self.counted().filter(public=True)

    # Organizer statistics: one GROUP BY query each, rows of {key: ..., "n": ...},
    # largest first.
    def per_day(self):
        """Signatures by the day they were signed (organizers' time zone), with how many are confirmed."""
        return (
            self.annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("pk"), confirmed=Count("pk", filter=Q(status="confirmed")))
            .order_by("day")
        )

    def per_status(self) -> dict[str, int]:
        return dict(self.order_by().values_list("status").annotate(n=Count("pk")))

    def per_region(self):
        return self.values("region").annotate(n=Count("pk")).order_by("-n", "region")

    def per_district(self):
        return self.values("district", "district_split").annotate(n=Count("pk")).order_by("-n", "district")

    def per_source(self):
        return (
            self.values("source")
            .annotate(n=Count("pk"), confirmed=Count("pk", filter=Q(status="confirmed")))
            .order_by("-n", "source")
        )


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        STRUCK = "struck", _("Struck")
        # Stored from requests that looked automated; never counted until an
        # organizer restores them.
        FLAGGED = "flagged", _("Flagged")

    # No index of its own: (petition, canonical email), the constraint below,
    # starts with it. Every index is paid for on every signature.
    petition = models.ForeignKey(
        Petition,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("petition"),
        db_index=False,
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
        _("congressional district"),
        max_length=8,
        blank=True,
        help_text=_("Like TX-23; empty when unknown or when the ZIP spans districts."),
    )
    district_split = models.BooleanField(_("ZIP spans several districts"), default=False)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    public = models.BooleanField(_("show name and comment publicly"), default=False)
    comment_hidden = models.BooleanField(
        _("comment hidden"),
        default=False,
        help_text=_("Hidden by an organizer: the name still shows, the comment does not."),
    )
    opt_in = models.BooleanField(_("keep me updated"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    source = models.CharField(_("source"), max_length=64, blank=True, help_text=_("The ?src= code."))

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    # Not indexed: only deleting an organizer's account looks rows up by it,
    # and that rare scan is cheaper than an index written on every signature.
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("status changed by"),
        db_index=False,
    )
    status_reason = models.CharField(_("reason for the last status change"), max_length=300, blank=True)

    # Signals kept for abuse review. The IP is stored only as a keyed hash.
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True)
    user_agent_family = models.CharField(_("browser"), max_length=40, blank=True)
    fill_seconds = models.PositiveIntegerField(_("seconds to fill the form"), null=True, blank=True)
    email_domain = models.CharField(_("email domain"), max_length=254, blank=True)
    email_disposable = models.BooleanField(
        _("disposable email domain"),
        default=False,
        help_text=_("The domain is on the maintained list of throwaway-address providers."),
    )
    # Set once the retention command has removed the signer's personal data.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        permissions = [
            ("view_signer_details", _("Can see signers' email addresses, ZIP codes and private comments")),
        ]
        constraints = [
            # One signature per person per petition, decided by the database
            # so that concurrent requests cannot both pass a check in Python.
            models.UniqueConstraint(fields=["petition", "email_canonical"], name="one_signature_per_person"),
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
            # Behind the admin's filters, searches and the dashboard at a
            # million rows.
            *[
                models.Index(fields=["petition", field, "-created_at"], name=f"sig_petition_{field}_created")
                for field in ("country", "district", "source", "language")
            ],
            models.Index(fields=["status", "-created_at"], name="sig_status_created"),
            # Most signers are neither public nor opted in: the True side is
            # the selective one, and the False side is found by walking the
            # created_at index.
            models.Index(
                fields=["petition", "-created_at"], condition=Q(public=True), name="sig_public_created"
            ),
            models.Index(
                fields=["petition", "-created_at"], condition=Q(opt_in=True), name="sig_opt_in_created"
            ),
            models.Index(
                fields=["postal_code"], opclasses=["varchar_pattern_ops"], name="sig_postal_code_prefix"
            ),
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


class OutboxQuerySet(models.QuerySet):
    """Rows of an outbox of mail (sent_at, gave_up_at, next_attempt_at): signers' mail, and updates'."""

    def unsent(self):
        return self.filter(sent_at__isnull=True, gave_up_at__isnull=True)

    def due(self):
        return self.unsent().filter(next_attempt_at__lte=timezone.now())


class OutboxMessage(models.Model):
    """What every row of a mail outbox keeps for the worker: when to try next, how it went, how it ended."""

    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    gave_up_at = models.DateTimeField(_("gave up"), null=True, blank=True)

    class Meta:
        abstract = True


class SignatureMailQuerySet(OutboxQuerySet):
    def repeats_today(self, signature, kinds) -> int:
        """Mails of these kinds sent to a signer in the last 24 hours, the first confirmation aside."""
        return (
            self.filter(
                signature=signature, kind__in=kinds, created_at__gt=timezone.now() - timedelta(days=1)
            )
            .exclude(cause=SignatureMail.Cause.SIGNED)
            .count()
        )


class SignatureMail(OutboxMessage):
    """One email to a signer: the outbox that the background worker sends from.

    A row is written in the same transaction as the event that calls for the
    mail, so a committed signature always has its mail on record; the task
    only carries the row's id. `sent_at` makes sending idempotent (a task that
    runs twice sends once), the attempts and next_attempt_at carry the retries,
    and the rows of the last day are the daily cap. Deleted with the signature,
    so a withdrawal leaves no trace of the address.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirm your signature")
        ALREADY_SIGNED = "already_signed", _("You have already signed")
        WITHDRAW_LINK = "withdraw_link", _("Link to remove a signature")

    class Cause(models.TextChoices):
        SIGNED = "signed", _("Signed")
        SIGNED_AGAIN = "signed_again", _("Signed again with the same address")
        REQUESTED = "requested", _("Asked for by the signer")
        ORGANIZER = "organizer", _("Sent by an organizer")

    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="mails", verbose_name=_("signature")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    objects = SignatureMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature email")
        verbose_name_plural = _("signature emails")
        indexes = [
            models.Index(fields=["signature", "created_at"], name="sigmail_signature_created"),
            models.Index(
                fields=["next_attempt_at"],
                name="sigmail_unsent",
                condition=Q(sent_at__isnull=True, gave_up_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.signature_id}"


class SignerRequest(models.Model):
    """A request whose outcome depends on whether its address signed, waiting for the worker.

    Signing a petition that needs confirmation (and signing again one that
    does not), asking for the confirmation email again and asking for a
    withdrawal link are answered at once and alike, whatever the address's
    state; the lookup, the writes that depend on it and the mail happen in a
    background task (signatures.tasks), so that neither the answer nor its
    timing tells a stranger whether the address signed. A short-lived queue
    row: the task deletes it when done, so its personal data stays seconds.
    """

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed: the address is not looked up yet")
        SEND_AGAIN = "send_again", _("Asked for the confirmation email again")
        WITHDRAW_LINK = "withdraw_link", _("Asked for a link to remove a signature")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("petition")
    )
    # As typed, and the form that finds the signature.
    email = models.CharField(_("email"), max_length=254)
    email_canonical = models.CharField(_("canonical email"), max_length=254)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # For SIGNED only: that signing attempt's choices (services.ATTEMPT_FIELDS).
    attempt = models.JSONField(_("signing attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("signer request")
        verbose_name_plural = _("signer requests")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class SignatureExport(models.Model):
    """The record of one signer export: who took which list of whom, and how many rows."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery (for the targets)")
        ORGANIZER = "organizer", _("Organizer (with emails)")

    class Via(models.TextChoices):
        ADMIN = "admin", _("Admin")
        COMMAND = "command", _("Command line")

    created_at = models.DateTimeField(_("exported"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text as well, so the record still says who after the account is deleted.
    actor = models.CharField(_("by"), max_length=150)
    via = models.CharField(_("via"), max_length=10, choices=Via)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    petition = models.ForeignKey(
        Petition,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("petition"),
    )
    filters = models.JSONField(_("filters"), default=dict)
    columns = models.JSONField(_("columns"), default=list)
    # Null until the last row has been written (an interrupted download stays null).
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature export")
        verbose_name_plural = _("signature exports")
        ordering = ["-created_at"]
        permissions = [
            ("export_organizer", _("Can export the organizer list of signers (with emails and ZIP codes)")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.actor} · {self.created_at:%Y-%m-%d %H:%M}"


class SignerDetailsView(models.Model):
    """One look in admin at a signer's email, ZIP code or private comment.

    Who, when, and which signature or search: never the details themselves,
    nor the search term (an address or a ZIP code).
    """

    class What(models.TextChoices):
        CHANGE_PAGE = "change_page", _("Signature page")
        SEARCH = "search", _("Search by email or ZIP code")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text as well, so the record still says who after the account is deleted.
    username = models.CharField(_("by"), max_length=150)
    what = models.CharField(_("what"), max_length=12, choices=What)
    # An id, not a foreign key: the record outlives a withdrawn or purged signature.
    signature_id = models.BigIntegerField(_("signature id"), null=True, blank=True)
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)

    class Meta:
        verbose_name = _("look at signer details")
        verbose_name_plural = _("looks at signer details")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_what_display()} · {self.username} · {self.created_at:%Y-%m-%d %H:%M}"


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
        _("IP address or network"),
        max_length=50,
        validators=[validate_ip_network],
        help_text=_("One address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/48)."),
    )
    expires_at = models.DateTimeField(_("expires"), help_text=_("Keep it short: the end of the event."))
    note = models.CharField(_("note"), max_length=200, help_text=_("Which event, who asked."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
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
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
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
                condition=~Q(ip_hash="")
                | ~Q(email_domain="")
                | Q(signed_from__isnull=False)
                | Q(signed_until__isnull=False),
                name="invalidation_has_a_criterion",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.petition}: {self.reason}"

    @property
    def strike_reason(self) -> str:
        """The reason written on each signature it strikes; undo restores only those still bearing it."""
        return f"Invalidation #{self.pk}: {self.reason}"[:300]
