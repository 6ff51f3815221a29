"""Members of Congress with their offices (`manage.py load_legislators`), and the calls supporters report."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petition.models import Petition


def tel_uri(phone: str) -> str:
    """A US phone number as a tel: link (+1 and its ten digits), "" when it has fewer digits."""
    digits = "".join(c for c in phone if c.isdigit())
    return f"tel:+1{digits[-10:]}" if len(digits) >= 10 else ""


class LegislatorQuerySet(models.QuerySet):
    def senators(self, states):
        return self.filter(chamber=Legislator.Chamber.SENATE, state__in=states).order_by(
            "state", "senate_class"
        )

    def representatives(self, seats: list[tuple[str, int]]):
        """The House members of (state, district) seats; district 0 is a state's one seat at large."""
        if not seats:
            return self.none()
        seat = Q()
        for state, district in seats:
            seat |= Q(state=state, district=district)
        return self.filter(seat, chamber=Legislator.Chamber.HOUSE).order_by("state", "district")


class Legislator(models.Model):
    class Chamber(models.TextChoices):
        SENATE = "sen", _("Senate")
        HOUSE = "rep", _("House")

    bioguide = models.CharField(_("Bioguide ID"), max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    party = models.CharField(_("party"), max_length=50)
    state = models.CharField(_("state"), max_length=2)
    chamber = models.CharField(_("chamber"), max_length=3, choices=Chamber)
    district = models.PositiveSmallIntegerField(
        _("district"), null=True, blank=True, help_text=_("House only; 0 is the state's seat at large.")
    )
    senate_class = models.PositiveSmallIntegerField(_("Senate class"), null=True, blank=True)
    term_end = models.DateField(_("term ends"))
    phone = models.CharField(_("Capitol office phone"), max_length=30, blank=True)
    contact_form = models.URLField(_("contact form"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = LegislatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("member of Congress")
        verbose_name_plural = _("members of Congress")
        ordering = ["state", "chamber", "district", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chamber="sen", district__isnull=True, senate_class__isnull=False)
                | Q(chamber="rep", district__isnull=False, senate_class__isnull=True),
                name="legislator_seat_matches_chamber",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.seat})"

    @property
    def seat(self) -> str:
        """VT (Senate), VT-AL, TX-20: the seat as people write it."""
        if self.chamber == self.Chamber.SENATE:
            return self.state
        return f"{self.state}-AL" if self.district == 0 else f"{self.state}-{self.district:02d}"

    @property
    def tel(self) -> str:
        return tel_uri(self.phone)


class Office(models.Model):
    """A member's office in their state or district, from legislators-district-offices.yaml."""

    legislator = models.ForeignKey(Legislator, on_delete=models.CASCADE, related_name="offices")
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["city", "pk"]

    def __str__(self):
        return f"{self.legislator.name}, {self.city}"

    @property
    def tel(self) -> str:
        return tel_uri(self.phone)


class LegislatorDataQuerySet(models.QuerySet):
    def current(self):
        return self.order_by("-loaded_at").first()


class LegislatorData(models.Model):
    """When the member table was taken from its source, so organizers can tell it is out of date."""

    taken_on = models.DateField(_("data of"))
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    objects = LegislatorDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("member data")
        verbose_name_plural = _("member data")

    def __str__(self):
        return f"{self.source} ({self.taken_on})"


def ended_terms(today: datetime.date | None = None):
    """The members whose term in the loaded data has ended: the data needs a refresh."""
    return Legislator.objects.filter(term_end__lt=today or timezone.localdate())


class CallTallyQuerySet(models.QuerySet):
    def for_petition(self, petition):
        return self.filter(petition=petition)

    def shown(self, at_least: int):
        """Tallies with a count worth showing in public: at least at_least calls or messages."""
        return self.filter(Q(called__gte=at_least) | Q(wrote__gte=at_least))


class CallTally(models.Model):
    """How many supporters said they called or wrote to one member about one petition.

    Anonymous by design: a number per (petition, member), no row per press and
    nothing that leads back to a signer. The member is kept by Bioguide ID,
    not a foreign key, so that reloading the members keeps the counts.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    bioguide = models.CharField(_("Bioguide ID"), max_length=10)
    called = models.PositiveIntegerField(_("called"), default=0)
    wrote = models.PositiveIntegerField(_("wrote"), default=0)

    objects = CallTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("call tally")
        verbose_name_plural = _("call tallies")
        constraints = [
            models.UniqueConstraint(fields=["petition", "bioguide"], name="one_tally_per_petition_member"),
        ]

    def __str__(self):
        return f"{self.bioguide}: {self.called} called, {self.wrote} wrote"
