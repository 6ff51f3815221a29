import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from petition.markdown import render_markdown
from petition.milestones import next_target, parse_milestones, validate_milestones
from petition.origins import normalise_origin, validate_origin

# A ?src= share code, as Signature.source stores it (signatures.forms.clean_source).
SOURCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"

# Paths beside the petitions' own under /petitions/ (petition/urls.py): no petition may take them.
RESERVED_SLUGS = {"closed"}


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of a page of the site; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class PetitionQuerySet(models.QuerySet):
    def visible(self):
        """Petitions the public may see: open ones and closed ones (for the record)."""
        return self.filter(status__in=[Petition.Status.OPEN, Petition.Status.CLOSED])

    def for_signing(self, slug: str):
        """The visible petition with this slug, for the signing view; None when there is none.

        Without its campaign text, which is only needed to show the form again
        with errors (a deferred field is read when first used). Whether it is
        open is Petition.is_open's to say, against the clock.
        """
        return self.visible().defer("body", "body_es").filter(slug=slug).first()

    def open(self):
        now = timezone.now()
        return self.filter(status=Petition.Status.OPEN).filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        )

    def closed(self):
        """Visible petitions that take no more signatures: closed ones and open ones past their closing time."""
        now = timezone.now()
        return self.filter(
            Q(status=Petition.Status.CLOSED) | Q(status=Petition.Status.OPEN, closes_at__lte=now)
        )

    def featured(self):
        """The petition the home page shows: the featured open one, else the newest open one."""
        return self.open().order_by("-featured", "-created_at").first()


# What a call script may name, each filled in for the reader (lawmakers' pages).
CALL_SCRIPT_PLACEHOLDERS = ("lawmaker", "city", "state", "petition")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# The script when the organizer writes none.
DEFAULT_CALL_SCRIPT = _(
    "Hello, my name is [your name] and I am a constituent from {city}. I am calling to ask {lawmaker} "
    "to support the petition “{petition}”. Thank you for your time."
)


def validate_call_script(text: str) -> None:
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in CALL_SCRIPT_PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(unknown)s. A script may use: %(known)s."),
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in CALL_SCRIPT_PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )


@dataclass(frozen=True)
class ShareLink:
    code: str
    label: str
    href: str


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=100, unique=True, validators=[validate_slug_not_reserved])
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences for link previews and search results."),
    )
    summary_es = models.CharField(_("summary (Spanish)"), max_length=300, blank=True)
    body = models.TextField(_("campaign text"), help_text=_("Markdown."))
    body_es = models.TextField(_("campaign text (Spanish)"), blank=True, help_text=_("Markdown."))
    targets = models.TextField(
        _("targets"), blank=True, help_text=_("Who the petition is addressed to, one per line.")
    )
    targets_es = models.TextField(_("targets (Spanish)"), blank=True)
    goal = models.PositiveIntegerField(_("goal"), default=10_000, validators=[MinValueValidator(1)])
    milestones = models.CharField(
        _("next goals"),
        max_length=200,
        blank=True,
        validators=[validate_milestones],
        help_text=_(
            "Where the goal moves once it is reached, comma-separated and rising, like "
            "15000, 25000, 50000. Past the last one (or with none) the goal doubles."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the home page while open.")
    )
    requires_confirmation = models.BooleanField(
        _("requires email confirmation"),
        default=True,
        help_text=_("A signature counts only once its owner confirms it from the email."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    find_representative_url = models.URLField(
        _("find your Representative link"),
        blank=True,
        default="https://www.house.gov/representatives/find-your-representative",
    )
    find_senators_url = models.URLField(
        _("find your Senators link"),
        blank=True,
        default="https://www.senate.gov/senators/senators-contact.htm",
    )
    # Signing limits. Defaults suit a viral campaign: carrier-grade NAT puts
    # many phones behind one address, so the per-address limits stop mass
    # signing by one machine, not a busy mobile network. Allow-list entries
    # lift the address limits for an event; the per-email limit always holds.
    ip_burst_limit = models.PositiveIntegerField(
        _("signatures per address per minute"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Sign-form submissions from one IP address (or IPv6 /64) in one minute."),
    )
    ip_hourly_limit = models.PositiveIntegerField(
        _("signatures per address per hour"),
        default=600,
        validators=[MinValueValidator(1)],
        help_text=_("Sign-form submissions from one IP address (or IPv6 /64) in one hour."),
    )
    email_hourly_limit = models.PositiveIntegerField(
        _("submissions per email address per hour"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Sign-form submissions with one email address in one hour."),
    )

    class CallChambers(models.TextChoices):
        BOTH = "both", _("Senators and Representative")
        SENATE = "senate", _("Senators only")
        HOUSE = "house", _("Representative only")
        NONE = "none", _("None (no call step)")

    call_chambers = models.CharField(
        _("who supporters are asked to call"),
        max_length=6,
        choices=CallChambers,
        default=CallChambers.BOTH,
        help_text=_("The members of Congress the thank-you page and the call page name."),
    )
    call_script = models.TextField(
        _("call script"),
        blank=True,
        validators=[validate_call_script],
        help_text=_(
            "What to say on the phone. {lawmaker} becomes the member's title and name, {city} and "
            "{state} the supporter's, {petition} the petition's title. Blank: a standard script."
        ),
    )
    call_script_es = models.TextField(
        _("call script (Spanish)"), blank=True, validators=[validate_call_script]
    )
    # Public maps and data show a place's figure only from this many counted
    # signatures up: below it, a figure could point at a few people.
    min_shown = models.PositiveSmallIntegerField(
        _("smallest figure shown"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "On the public map and in the open data, a state or district with fewer counted "
            "signatures than this shows “fewer than N”, never its number."
        ),
    )
    donate_url = models.URLField(_("donate link"), blank=True)
    volunteer_url = models.URLField(_("volunteer link"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="petition_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("petition:detail", args=[self.slug])

    def share_url(self, code: str) -> str:
        """The campaign page's address with a ?src= code, which the form stores in Signature.source.

        So organizers can see which channel brings signers.
        """
        return f"{settings.SITE_URL}{self.get_absolute_url()}?src={code}"

    def share_links(self) -> list[ShareLink]:
        """The thank-you page's share links, one per channel: plain links, no third-party script."""
        invite = gettext("I signed “%(title)s”. Will you add your name?") % {"title": self.local_title}
        url = self.share_url
        return [
            ShareLink(
                "wa", gettext("WhatsApp"), "https://wa.me/?" + urlencode({"text": f"{invite} {url('wa')}"})
            ),
            ShareLink(
                "fb",
                gettext("Facebook"),
                "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url("fb")}),
            ),
            ShareLink(
                "x", gettext("X"), "https://x.com/intent/post?" + urlencode({"text": invite, "url": url("x")})
            ),
            ShareLink(
                "em",
                pgettext("share channel", "Email"),
                "mailto:?subject=" + quote(self.local_title) + "&body=" + quote(f"{invite}\n\n{url('em')}"),
            ),
        ]

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or self.closes_at > now)
        )

    def target_for(self, count: int) -> int:
        """The number the page asks for: the goal, then each next goal as it is passed."""
        return next_target(count, self.goal, parse_milestones(self.milestones))

    def _localized(self, field: str) -> str:
        """The Spanish version of a text field when the reader uses Spanish and one exists."""
        if (get_language() or "").startswith("es"):
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)

    @property
    def local_title(self) -> str:
        return self._localized("title")

    @property
    def local_summary(self) -> str:
        return self._localized("summary")

    @property
    def local_body_lang(self) -> str:
        """The language the campaign text is shown in (English when no translation exists)."""
        return "es" if (get_language() or "").startswith("es") and self.body_es else "en"

    @property
    def local_body_html(self) -> str:
        return render_markdown(self._localized("body"))

    @property
    def calls_senators(self) -> bool:
        return self.call_chambers in (self.CallChambers.BOTH, self.CallChambers.SENATE)

    @property
    def calls_representatives(self) -> bool:
        return self.call_chambers in (self.CallChambers.BOTH, self.CallChambers.HOUSE)

    def call_script_for(self, **values: str) -> str:
        """The script in the reader's language with each placeholder filled from values (petition: the title).

        A name outside CALL_SCRIPT_PLACEHOLDERS cannot be saved; text in braces
        that is no placeholder at all stays as written.
        """
        values = {"petition": self.local_title, **values}
        script = self._localized("call_script") or str(DEFAULT_CALL_SCRIPT)
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), script)

    @property
    def local_targets(self) -> list[str]:
        return [line.strip() for line in self._localized("targets").splitlines() if line.strip()]


class EmbedPartnerQuerySet(models.QuerySet):
    def origins(self) -> tuple[str, ...]:
        """These partners' origins, in a stable order (the embed page's frame-ancestors)."""
        return tuple(self.order_by("origin").values_list("origin", flat=True))


class EmbedPartner(models.Model):
    """A partner site allowed to show a petition's signing form in an iframe, with its own ?src= code."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="embed_partners", verbose_name=_("petition")
    )
    name = models.CharField(_("partner"), max_length=100, help_text=_("The organisation, for organizers."))
    origin = models.CharField(
        _("site origin"),
        max_length=200,
        validators=[validate_origin],
        help_text=_("Scheme, host and port if any, like https://partner.example.org: no path."),
    )
    source = models.CharField(
        _("source code"),
        max_length=32,
        validators=[
            RegexValidator(
                SOURCE_PATTERN,
                _("Lowercase letters, digits, - and _, starting with a letter or digit, at most 32."),
            )
        ],
        help_text=_("Stored with each signature made through this partner (the ?src= code)."),
    )

    objects = EmbedPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("embedding partner")
        verbose_name_plural = _("embedding partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "origin"], name="one_partner_per_origin"),
            models.UniqueConstraint(fields=["petition", "source"], name="one_partner_per_source"),
        ]

    def __str__(self):
        return f"{self.name} ({self.origin})"

    def clean(self):
        try:
            self.origin = normalise_origin(self.origin)
        except ValidationError:
            pass  # the field's validator has already reported it
        self.source = (self.source or "").strip().lower()

    def embed_url(self) -> str:
        return f"{settings.SITE_URL}{reverse('petition:embed', args=[self.petition.slug])}?src={self.source}"
