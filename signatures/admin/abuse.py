"""Admin for abuse review: the allow-list, unusual activity, and invalidation by criteria."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petition.models import Petition
from signatures.abuse import invalidation
from signatures.abuse.signals import is_disposable
from signatures.models import AllowListEntry, InvalidationBatch, Signature


@admin.register(AllowListEntry)
class AllowListEntryAdmin(admin.ModelAdmin):
    list_display = ["network", "note", "expires_at", "is_active", "created_by"]
    fields = ["network", "expires_at", "note"]
    search_fields = ["network", "note"]

    @admin.display(boolean=True, description=_("active"))
    def is_active(self, entry):
        return entry.expires_at > timezone.now()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class InvalidationForm(forms.Form):
    petition = forms.ModelChoiceField(label=_("Petition"), queryset=Petition.objects.all())
    ip_hash = forms.CharField(label=_("IP hash"), max_length=64, required=False)
    email_domain = forms.CharField(label=_("Email domain"), max_length=254, required=False)
    signed_from = forms.DateTimeField(
        label=_("Signed from"), required=False, help_text=_("In the organizers' time zone: 2026-11-27 14:00")
    )
    signed_until = forms.DateTimeField(label=_("Signed before"), required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=250, required=False, help_text=_("Written on every signature struck.")
    )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in invalidation.CRITERIA):
            raise ValidationError(_("Choose at least one criterion besides the petition."))
        start, end = cleaned.get("signed_from"), cleaned.get("signed_until")
        if start and end and end <= start:
            self.add_error("signed_until", _("The end must come after the start."))
        return cleaned

    def criteria(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in invalidation.CRITERIA}


@admin.register(InvalidationBatch)
class InvalidationBatchAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "state",
        "previewed_count",
        "struck_count",
        "restored_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["state", "petition"]
    actions = ["undo"]
    readonly_fields = [f.name for f in InvalidationBatch._meta.fields]
    exclude = ["signatures"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "activity/",
                self.admin_site.admin_view(self.activity_view),
                name="signatures_invalidationbatch_activity",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Criteria, then a preview of how many signatures match, then confirmation."""
        if not self.has_add_permission(request):
            return self.admin_site.login(request)
        form = InvalidationForm(request.POST if request.method == "POST" else request.GET or None)
        count = None
        if form.is_bound and form.is_valid():
            count = invalidation.matching(petition=form.cleaned_data["petition"], **form.criteria()).count()
            if request.method == "POST" and "confirm" in request.POST:
                try:
                    batch = invalidation.invalidation_create(
                        petition=form.cleaned_data["petition"],
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        previewed_count=count,
                        **form.criteria(),
                    )
                except ValidationError as error:
                    form.add_error("reason", error)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Invalidation #%(id)s queued: %(n)s signature will be struck.",
                            "Invalidation #%(id)s queued: %(n)s signatures will be struck.",
                            count,
                        )
                        % {"id": batch.pk, "n": count},
                        messages.SUCCESS,
                    )
                    return redirect("admin:signatures_invalidationbatch_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Invalidate signatures by criteria"),
            "form": form,
            "count": count,
        }
        return TemplateResponse(request, "admin/signatures/invalidation_form.html", context)

    @admin.action(
        description=_("Undo the selected invalidations (restore their signatures)"), permissions=["add"]
    )
    def undo(self, request, queryset):
        for batch in queryset:
            try:
                invalidation.invalidation_undo(batch=batch, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"#{batch.pk}: {error.messages[0]}", messages.WARNING)
            else:
                self.message_user(request, _("Undo of #%(id)s queued.") % {"id": batch.pk})

    def activity_view(self, request):
        """IP hashes and email domains that signed unusually often in one hour."""
        hours = _int_param(request, "hours", 24, 1, 24 * 30)
        threshold = _int_param(request, "threshold", 10, 2, 100_000)
        recent = Signature.objects.filter(created_at__gte=timezone.now() - timedelta(hours=hours))
        by_hour = recent.annotate(hour=TruncHour("created_at"))
        rows = {}
        for field in ["ip_hash", "email_domain"]:
            groups = (
                by_hour.exclude(**{field: ""})
                .values("petition", "petition__title", field, "hour")
                .annotate(n=Count("pk"))
                .filter(n__gte=threshold)
                .order_by("-n")[:100]
            )
            rows[field] = [
                {
                    **group,
                    "disposable": field == "email_domain" and is_disposable(group[field]),
                    "invalidate_url": _invalidate_url(group, field),
                }
                for group in groups
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Unusual signing activity"),
            "hours": hours,
            "threshold": threshold,
            "ip_rows": rows["ip_hash"],
            "domain_rows": rows["email_domain"],
        }
        return TemplateResponse(request, "admin/signatures/activity.html", context)


def _int_param(request, name, default, low, high) -> int:
    try:
        return min(high, max(low, int(request.GET.get(name, default))))
    except ValueError:
        return default


def _invalidate_url(group, field) -> str:
    hour = timezone.localtime(group["hour"])
    query = {
        "petition": group["petition"],
        field: group[field],
        "signed_from": hour.strftime("%Y-%m-%d %H:%M"),
        "signed_until": (hour + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    }
    return reverse("admin:signatures_invalidationbatch_add") + "?" + urlencode(query)
