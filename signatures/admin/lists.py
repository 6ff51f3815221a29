"""Admin change-list parts that stay fast at a million signatures.

Django's change list counts the matching rows on every page load and its
default filters list a field's values with SELECT DISTINCT over the whole
table: both read every row. These read a bounded number of rows instead.
"""

import json

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from places.states import US_STATES


class CappedCountPaginator(Paginator):
    """Counts up to CAP matching rows exactly, and estimates beyond that.

    Past the cap the planner's row estimate gives the number of pages, so
    a page load reads at most CAP index entries whatever the table's size.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list.order_by()
        counted = queryset[: self.CAP + 1].count()
        if counted <= self.CAP:
            return counted
        return max(counted, _planner_estimate(queryset))


def _planner_estimate(queryset) -> int:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(code, code) for code in US_STATES] + [("-", _("None or outside the US"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(region="" if self.value() == "-" else self.value())


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


class InputFilter(admin.SimpleListFilter):
    """A filter typed into a box, for fields with too many values to list (districts, ?src= codes)."""

    template = "admin/signatures/input_filter.html"
    placeholder = ""
    # For codes stored in capitals (districts, countries): typed in any case, they match.
    capitals = False

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def cleaned_value(self) -> str:
        return (self.value() or "").strip()

    def lookup_value(self) -> str:
        value = self.cleaned_value()
        return value.upper() if self.capitals else value

    def queryset(self, request, queryset):
        value = self.lookup_value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset

    def choices(self, changelist):
        # The box submits a plain GET form: every other parameter (filters,
        # search, ordering) rides along as a hidden field, except the page.
        others = {
            key: values
            for key, values in changelist.filter_params.items()
            if key not in (self.parameter_name, PAGE_VAR)
        }
        yield {
            "selected": not self.cleaned_value(),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
            "hidden": [(key, value) for key, values in others.items() for value in values],
            "parameter_name": self.parameter_name,
            "value": self.cleaned_value(),
            "placeholder": self.placeholder,
        }


class DistrictFilter(InputFilter):
    title = _("congressional district")
    parameter_name = "district"
    placeholder = "TX-23"
    capitals = True

    def queryset(self, request, queryset):
        if self.lookup_value() == "SPLIT":
            return queryset.filter(district_split=True)
        return super().queryset(request, queryset)


class CountryFilter(InputFilter):
    title = _("country")
    parameter_name = "country"
    placeholder = "US"
    capitals = True


class SourceFilter(InputFilter):
    title = _("source (?src= code)")
    parameter_name = "source"
    placeholder = "whatsapp"
