"""Updates to supporters: what organizers publish on the campaign page and email to opted-in signers.

An Update is shown on its petition's page once published; when it is also
emailed, one Delivery row per recipient is the outbox the worker sends from
(updates/sending.py). The rows are written by one INSERT … SELECT under a
unique constraint, so a recipient is never queued twice, however often the
queuing runs. Suppressions (addresses that must never be mailed: bounces,
complaints) and Unsubscribes (from one campaign's updates) are kept by
canonical email, the form that decides who is a duplicate signer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from petition.markdown import render_markdown
from petition.models import Petition
from signatures.canonical import canonical_email
from signatures.models import OutboxMessage, OutboxQuerySet, Signature


class UpdateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def on_page(self, petition):
        """The updates a petition's page lists, newest first."""
        return self.filter(petition=petition).published().order_by("-published_at", "-pk")


class Update(models.Model):
    class Sending(models.TextChoices):
        NOT_EMAILED = "", _("Not emailed")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Sent")

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="updates", verbose_name=_("petition")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000, help_text=_("Markdown."))
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body_es = models.TextField(
        _("text (Spanish)"),
        max_length=20000,
        blank=True,
        help_text=_("Markdown. Spanish readers and signers get the English text while this is empty."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    sending = models.CharField(
        _("email"), max_length=10, choices=Sending, default=Sending.NOT_EMAILED, blank=True
    )
    emailed_at = models.DateTimeField(_("emailing started"), null=True, blank=True)
    emailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("emailed by"),
    )
    # How many rows the queuing statement inserted: the "of N" of the progress.
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["petition", "-published_at"], name="update_petition_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sending__in=["", "sending", "paused", "cancelled", "done"]),
                name="update_sending_valid",
            ),
            models.CheckConstraint(
                condition=Q(sending="") | Q(published_at__isnull=False),
                name="update_emailed_only_once_published",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("petition:update", args=[self.petition.slug, self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _localized(self, field: str) -> str:
        # The Spanish title and text go together: a Spanish title over
        # English text (or the reverse) would read as a mistake.
        if (get_language() or "").startswith("es") and self.body_es:
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)

    @property
    def local_lang(self) -> str:
        return "es" if (get_language() or "").startswith("es") and self.body_es else "en"

    @property
    def local_title(self) -> str:
        return self._localized("title")

    @property
    def local_body(self) -> str:
        return self._localized("body")

    @property
    def local_body_html(self) -> str:
        return render_markdown(self.local_body)


class SuppressionQuerySet(models.QuerySet):
    def of(self, address: str):
        return self.filter(email_canonical=canonical_email(address))


class Suppression(models.Model):
    """An address no update is ever sent to, on any petition: it bounced, complained, or was added by hand."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Bounced")
        COMPLAINT = "complaint", _("Spam complaint")
        REJECTED = "rejected", _("Refused by its mail server while sending")
        REQUEST = "request", _("Asked not to be emailed")
        OTHER = "other", _("Other")

    email = models.EmailField(_("email"), max_length=254)
    email_canonical = models.CharField(_("canonical email"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} · {self.created_at:%Y-%m-%d}"


class Unsubscribe(models.Model):
    """An address that asked for no more updates about one petition."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("petition")
    )
    email_canonical = models.CharField(_("canonical email"), max_length=254)
    created_at = models.DateTimeField(_("unsubscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribe")
        verbose_name_plural = _("unsubscribes")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_canonical"], name="one_unsubscribe_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id} · {self.created_at:%Y-%m-%d}"


def recipients(petition):
    """The signatures an update of this petition is emailed to.

    Counted (confirmed: never pending, struck or flagged; a withdrawn
    signature no longer exists), opted in, still holding an address (not
    anonymised), and neither unsubscribed from this petition nor suppressed.
    """
    return (
        Signature.objects.filter(petition=petition)
        .counted()
        .opted_in()
        .exclude(email="")
        .exclude(
            Exists(
                Unsubscribe.objects.filter(
                    petition=OuterRef("petition"), email_canonical=OuterRef("email_canonical")
                )
            )
        )
        .exclude(Exists(Suppression.objects.filter(email_canonical=OuterRef("email_canonical"))))
    )


class DeliveryQuerySet(OutboxQuerySet):
    def progress(self) -> dict[str, int]:
        """sent, failed (given up) and remaining, in one query."""
        return self.aggregate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            failed=Count("pk", filter=Q(gave_up_at__isnull=False)),
            remaining=Count("pk", filter=Q(sent_at__isnull=True, gave_up_at__isnull=True)),
        )


class Delivery(OutboxMessage):
    """One update to one recipient: the outbox row the worker sends from, as SignatureMail is for signers.

    Deleted with the signature, so a withdrawal leaves no trace of the address.
    """

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("update")
    )
    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="+", verbose_name=_("signature"), db_index=False
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("update email")
        verbose_name_plural = _("update emails")
        constraints = [
            # A signature is one person on one petition, and an update belongs
            # to one petition: so this is "one message per person per update",
            # and queuing again (a retry, a resumed send) inserts nothing twice.
            models.UniqueConstraint(fields=["update", "signature"], name="one_delivery_per_recipient"),
        ]
        indexes = [
            # The next due row, in order, without sorting 100,000 of them:
            # the batch's "ORDER BY next_attempt_at, id LIMIT 1" walks it.
            models.Index(
                fields=["update", "next_attempt_at", "id"],
                name="delivery_unsent",
                condition=Q(sent_at__isnull=True, gave_up_at__isnull=True),
            ),
            # Withdrawing a signature deletes its rows (the cascade looks them up).
            models.Index(fields=["signature"], name="delivery_signature"),
        ]

    def __str__(self):
        return f"{self.update_id} → {self.signature_id}"
