"""The members of Congress in admin: read-only (load_legislators replaces them), with the data's date."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from lawmakers.models import Legislator, LegislatorData, Office, ended_terms
from signatures.admin.privacy import ReadOnlyAdmin


def data_status() -> tuple[str, bool]:
    """The date of the member data as organizers read it, and whether any term in it has ended."""
    data = LegislatorData.objects.current()
    if data is None:
        return _("No member data loaded (manage.py load_legislators)."), True
    ended = ended_terms().count()
    text = _("Members of Congress as of %(date)s (%(source)s).") % {
        "date": data.taken_on,
        "source": data.source,
    }
    if ended:
        text += " " + _(
            "%(n)s member(s) have a term that has ended: load newer data with manage.py load_legislators."
        ) % {"n": ended}
    return text, bool(ended)


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0
    can_delete = False
    fields = readonly_fields = ["city", "address", "phone"]


@admin.register(Legislator)
class LegislatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "seat", "party", "chamber", "term_end", "phone"]
    list_filter = ["chamber", "state", "party"]
    search_fields = ["name", "bioguide", "state"]
    inlines = [OfficeInline]

    def changelist_view(self, request, extra_context=None):
        text, warn = data_status()
        (messages.warning if warn else messages.info)(request, text)
        return super().changelist_view(request, extra_context)
