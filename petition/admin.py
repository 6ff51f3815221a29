from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from lawmakers.admin import data_status
from petition.dashboard import confirmation_rate, dashboard
from petition.markdown import render_markdown
from petition.models import EmbedPartner, Petition
from petition.origins import normalise_origin
from signatures.counting import count_for, with_counts


class EmbedPartnerForm(forms.ModelForm):
    class Meta:
        model = EmbedPartner
        fields = ["name", "origin", "source"]

    def clean_origin(self):
        # Normalised here, so that two spellings of one origin meet the uniqueness check.
        return normalise_origin(self.cleaned_data["origin"])

    def clean_source(self):
        return self.cleaned_data["source"].strip().lower()


class EmbedPartnerInline(admin.TabularInline):
    model = EmbedPartner
    form = EmbedPartnerForm
    extra = 0
    fields = ["name", "origin", "source", "snippet"]
    readonly_fields = ["snippet"]
    verbose_name_plural = _("Partner sites that may show the signing form (embed)")

    @admin.display(description=_("code to paste into the partner's page"))
    def snippet(self, obj):
        if obj.pk is None:
            return _("Shown once saved.")
        code = format_html(
            '<iframe src="{}" title="{}" width="100%" height="760" loading="lazy" '
            'style="border:0;max-width:36rem"></iframe>',
            obj.embed_url(),
            obj.petition.title,
        )
        return format_html(
            '<textarea readonly rows="4" cols="60" aria-label="{}">{}</textarea>',
            _("Code to paste into the partner's page"),
            code,
        )


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    inlines = [EmbedPartnerInline]

    list_display = ["title", "status", "featured", "signature_count", "goal", "opens_at", "closes_at"]
    list_filter = ["status", "featured"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "body_preview",
        "body_es_preview",
        "signature_count",
        "confirmation_rate_display",
        "links",
        "member_data",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "status",
                    "featured",
                    "goal",
                    "milestones",
                    "requires_confirmation",
                    "opens_at",
                    "closes_at",
                ]
            },
        ),
        (_("Results"), {"fields": ["signature_count", "confirmation_rate_display", "links"]}),
        (_("English text"), {"fields": ["body", "body_preview", "targets"]}),
        (
            _("Spanish text"),
            {"fields": ["title_es", "summary_es", "body_es", "body_es_preview", "targets_es"]},
        ),
        (
            _("Call your members of Congress"),
            {
                "fields": ["call_chambers", "call_script", "call_script_es", "member_data"],
                "description": _(
                    "After signing, supporters see their Senators and Representative (from their ZIP code) "
                    "with this script, and can report a call or a message. The dashboard shows the count."
                ),
            },
        ),
        (
            _("Links on the thank-you page"),
            {"fields": ["find_representative_url", "find_senators_url", "donate_url", "volunteer_url"]},
        ),
        (
            _("Public map and data"),
            {
                "fields": ["min_shown"],
                "description": _(
                    "The campaign page's map and data.json show counted signatures per state and "
                    "district; a place with fewer than this many shows “fewer than N”."
                ),
            },
        ),
        (
            _("Signing limits"),
            {
                "fields": ["ip_burst_limit", "ip_hourly_limit", "email_hourly_limit"],
                "description": _(
                    "Per address and per email. For an event where many people sign from one "
                    "connection, add an allow-list entry instead of raising these."
                ),
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # The list shows every petition's count in the same query.
        return with_counts(super().get_queryset(request))

    @admin.display(description=_("signatures"), ordering="signature_total")
    def signature_count(self, obj):
        if obj.pk is None:
            return "—"
        total = obj.signature_total if hasattr(obj, "signature_total") else count_for(obj)
        return number_format(total, force_grouping=True)

    @admin.display(description=_("confirmation rate"))
    def confirmation_rate_display(self, obj):
        """Of the signatures pending or confirmed, the share whose signers confirmed by email."""
        if obj.pk is None or not obj.requires_confirmation:
            return _("not asked (this petition counts signatures without confirmation)") if obj.pk else "—"
        rate = confirmation_rate(obj)
        return "—" if rate is None else f"{rate:.0%}"

    def _preview(self, text):
        # render_markdown sanitises its output (nh3): it is the same HTML the campaign page shows.
        if not text:
            return "—"
        return format_html('<div class="markdown-preview">{}</div>', mark_safe(render_markdown(text)))

    @admin.display(description=_("preview (as saved)"))
    def body_preview(self, obj):
        return self._preview(obj.body)

    @admin.display(description=_("Spanish preview (as saved)"))
    def body_es_preview(self, obj):
        return self._preview(obj.body_es)

    @admin.display(description=_("member data"))
    def member_data(self, obj):
        text, warn = data_status()
        return format_html('<strong class="warning">{}</strong>', text) if warn else text

    @admin.display(description=_("see"))
    def links(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>'
            ' · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:petition_petition_dashboard", args=[obj.pk]),
            _("Dashboard"),
            reverse("admin:signatures_signature_changelist") + f"?petition__id__exact={obj.pk}",
            _("Signatures"),
            reverse("admin:signatures_signature_export") + f"?petition={obj.pk}",
            _("Export signers"),
            reverse("admin:delivery_petition", args=[obj.pk]),
            _("Delivery packets"),
            obj.get_absolute_url(),
            _("Public page"),
            reverse("petition:data_json", args=[obj.slug]),
            _("Open data (JSON)"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="petition_petition_dashboard",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request, object_id):
        if not object_id.isdigit():
            raise Http404
        petition = get_object_or_404(Petition, pk=object_id)
        if not self.has_view_permission(request, petition):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dashboard: %(title)s") % {"title": petition.title},
            "opts": self.model._meta,
            "original": petition,
            **dashboard(petition),
        }
        return TemplateResponse(request, "admin/petition/petition/dashboard.html", context)
