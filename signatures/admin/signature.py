from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from petition.models import Petition
from signatures import exports, services
from signatures.admin.comments import CommentModerationFilter, hide_comments, show_comments
from signatures.admin.lists import (
    CappedCountPaginator,
    CountryFilter,
    DistrictFilter,
    LanguageFilter,
    SourceFilter,
    StateFilter,
)
from signatures.admin.privacy import (
    PERSONAL_FIELDS,
    ReadOnlyAdmin,
    SignerDetailsMixin,
    may_see_details,
    record_search,
)
from signatures.canonical import canonical_email
from signatures.models import Signature, SignatureExport


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ExportForm(forms.Form):
    petition = forms.ModelChoiceField(label=_("Petition"), queryset=Petition.objects.all())
    kind = forms.ChoiceField(label=_("List"), choices=SignatureExport.Kind, widget=forms.RadioSelect)
    all_statuses = forms.TypedChoiceField(
        label=_("Signatures"),
        choices=[("", _("Confirmed only")), ("1", _("All statuses (pending, struck and flagged too)"))],
        coerce=bool,
        required=False,
        empty_value=False,
        widget=forms.RadioSelect,
    )
    split = forms.ChoiceField(
        label=_("Files"), choices=exports.Split, initial=exports.Split.NONE, widget=forms.RadioSelect
    )

    def __init__(self, *args, may_export_organizer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_export_organizer:
            self.fields["kind"].choices = [
                (SignatureExport.Kind.DELIVERY, SignatureExport.Kind.DELIVERY.label)
            ]
        self.fields["kind"].initial = SignatureExport.Kind.DELIVERY


def stream(export: exports.Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Signature)
class SignatureAdmin(SignerDetailsMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}

    list_display = [
        "name",
        "status",
        "city",
        "region",
        "district_or_split",
        "country_code",
        "source",
        "created_at",
        "petition_slug",
    ]
    list_filter = [
        "petition",
        "status",
        StateFilter,
        DistrictFilter,
        CountryFilter,
        ("created_at", admin.DateFieldListFilter),
        "public",
        "opt_in",
        LanguageFilter,
        SourceFilter,
        CommentModerationFilter,
        "email_disposable",
    ]
    search_fields = ["name", "email_canonical", "postal_code"]
    search_help_text = _(
        "A name (or part of it); with the permission to see signers' details, "
        "also a full email address or a ZIP code (or its start)."
    )
    private_fields = PERSONAL_FIELDS
    list_select_related = ["petition"]
    # At a million rows: no COUNT(*) of the whole table, a capped count of
    # the filtered rows (lists.CappedCountPaginator).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a COUNT per filter choice
    paginator = CappedCountPaginator
    # Personal data is what the signer typed: organizers strike or restore
    # signatures, they do not edit them.
    readonly_fields = [f.name for f in Signature._meta.fields]
    fieldsets = [
        (
            _("Signer"),
            {
                "fields": [
                    "petition",
                    "name",
                    "email",
                    "email_canonical",
                    "comment",
                    "public",
                    "opt_in",
                    "language",
                    "source",
                ]
            },
        ),
        (_("Place"), {"fields": ["postal_code", "city", "region", "country", "district", "district_split"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "created_at",
                    "confirmed_at",
                    "status_changed_at",
                    "status_changed_by",
                    "status_reason",
                ]
            },
        ),
        (
            _("Abuse signals"),
            {
                "fields": ["ip_hash", "user_agent_family", "fill_seconds", "email_domain"],
                "classes": ["collapse"],
            },
        ),
    ]
    actions = [
        "strike_selected",
        "restore_selected",
        "resend_confirmation",
        "confirm_by_hand",
        hide_comments,
        show_comments,
        "export_delivery",
        "export_organizer",
    ]

    def has_add_permission(self, request):
        return False

    def has_export_organizer_permission(self, request):
        return request.user.has_perm("signatures.export_organizer")

    @admin.display(description=_("petition"), ordering="petition__slug")
    def petition_slug(self, obj):
        return obj.petition.slug

    @admin.display(description=_("district"), ordering="district")
    def district_or_split(self, obj):
        return obj.district or (_("split") if obj.district_split else "")

    @admin.display(description=_("country"), ordering="country")
    def country_code(self, obj):
        return obj.country.code

    def hidden_fields(self, request, obj=None):
        hidden = super().hidden_fields(request, obj)
        # A comment its signer made public, and no organizer hid, is on the campaign page.
        if obj is not None and obj.public and not obj.comment_hidden:
            return hidden - {"comment"}
        return hidden

    def details_signature_id(self, request, object_id):
        return int(object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        status_actions = [("strike_selected", _("Strike…")), ("restore_selected", _("Restore…"))]
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "status_actions": status_actions}
        )

    def get_search_results(self, request, queryset, search_term):
        """Each kind of term goes to the one indexed column it can match.

        An address is matched by its canonical form (so Maria.Jose+x@gmail.com
        finds mariajose@gmail.com), a ZIP by its start, anything else by name.
        Without the permission to see signers' details every term is a name;
        with it, each search by address or ZIP is recorded.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        if may_see_details(request) and ("@" in term or term[:1].isdigit()):
            if "@" in term:
                found = queryset.filter(email_canonical=canonical_email(term))
            else:
                found = queryset.filter(postal_code__startswith=term.upper())
            record_search(request, found)
            return found, False
        return queryset.filter(name__icontains=term), False

    # Status changes: each goes through the service, which keeps the count
    # exact and records who did it, when and why.

    def _with_reason(self, request, queryset, *, service, title, done, label=None):
        """Ask for a reason on an intermediate page, then apply service to each selected signature."""
        form = ReasonForm(request.POST if "reason" in request.POST else None, label=label)
        if form.is_valid():
            changed = 0
            for signature in queryset.iterator(chunk_size=500):
                try:
                    if service(signature=signature, by=request.user, reason=form.cleaned_data["reason"]):
                        changed += 1
                        self.log_change(request, signature, f"{title}: {form.cleaned_data['reason']}")
                except ValidationError as error:
                    self.message_user(request, f"{signature}: {' '.join(error.messages)}", messages.ERROR)
            self.message_user(request, done(changed), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset[:20],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/signatures/signature/status_reason.html", context)

    @admin.action(
        description=_("Strike selected signatures (take them out of the count)"), permissions=["change"]
    )
    def strike_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            service=services.signature_strike,
            title=_("Strike signatures"),
            done=lambda n: ngettext("Struck %(n)d signature.", "Struck %(n)d signatures.", n) % {"n": n},
        )

    @admin.action(description=_("Restore selected struck or flagged signatures"), permissions=["change"])
    def restore_selected(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            service=services.signature_restore,
            title=_("Restore signatures"),
            done=lambda n: ngettext("Restored %(n)d signature.", "Restored %(n)d signatures.", n) % {"n": n},
        )

    @admin.action(description=_("Confirm by hand (with a reason)"), permissions=["change"])
    def confirm_by_hand(self, request, queryset):
        """For signers whose email never arrives and who write in: confirmed with who and why."""
        return self._with_reason(
            request,
            queryset,
            service=services.signature_confirm,
            title=_("Confirm signatures by hand"),
            label=_("Why are you confirming by hand?"),
            done=lambda n: (
                ngettext("%(n)d signature confirmed.", "%(n)d signatures confirmed.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = sum(services.signature_resend_confirmation(signature=s) for s in queryset)
        self.message_user(
            request,
            ngettext(
                "Confirmation email queued for %(sent)d signature.",
                "Confirmation email queued for %(sent)d signatures.",
                sent,
            )
            % {"sent": sent},
        )
        if skipped := len(queryset) - sent:
            self.message_user(
                request,
                ngettext(
                    "%(skipped)d skipped: not pending, or already sent the most emails allowed today.",
                    "%(skipped)d skipped: not pending, or already sent the most emails allowed today.",
                    skipped,
                )
                % {"skipped": skipped},
                messages.WARNING,
            )

    # Exports: the selected confirmed signatures from an action, any petition
    # with options from the export page. Both are recorded (SignatureExport).

    def _export_selection(self, request, queryset, kind):
        petition_ids = list(queryset.order_by().values_list("petition", flat=True).distinct()[:2])
        return stream(
            exports.export_start(
                queryset=queryset,
                kind=kind,
                all_statuses=False,
                split=exports.Split.NONE,
                user=request.user,
                via=SignatureExport.Via.ADMIN,
                petition=Petition.objects.get(pk=petition_ids[0]) if len(petition_ids) == 1 else None,
                filters={
                    "changelist": request.GET.urlencode(),
                    "selection": "all matching"
                    if request.POST.get("select_across") == "1"
                    else len(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)),
                },
            )
        )

    @admin.action(description=_("Export selected confirmed signatures: delivery CSV"), permissions=["view"])
    def export_delivery(self, request, queryset):
        return self._export_selection(request, queryset, SignatureExport.Kind.DELIVERY)

    @admin.action(
        description=_("Export selected confirmed signatures: organizer CSV (with emails)"),
        permissions=["export_organizer"],
    )
    def export_organizer(self, request, queryset):
        return self._export_selection(request, queryset, SignatureExport.Kind.ORGANIZER)

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="signatures_signature_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_export_organizer = self.has_export_organizer_permission(request)
        if request.POST.get("kind") == SignatureExport.Kind.ORGANIZER and not may_export_organizer:
            raise PermissionDenied
        form = ExportForm(
            request.POST if request.method == "POST" else None,
            initial={"petition": request.GET.get("petition")},
            may_export_organizer=may_export_organizer,
        )
        if form.is_valid():
            petition = form.cleaned_data["petition"]
            return stream(
                exports.export_start(
                    queryset=Signature.objects.filter(petition=petition),
                    kind=form.cleaned_data["kind"],
                    all_statuses=form.cleaned_data["all_statuses"],
                    split=form.cleaned_data["split"],
                    user=request.user,
                    via=SignatureExport.Via.ADMIN,
                    petition=petition,
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export signers"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/signatures/signature/export.html",
            context,
            status=400 if form.is_bound else 200,
        )


@admin.register(SignatureExport)
class SignatureExportAdmin(SignerDetailsMixin, ReadOnlyAdmin):
    """The export log: read only, and never deleted from here."""

    # An export's filters hold the list's search, which may be an address or a ZIP code.
    private_fields = frozenset({"filters"})

    list_display = ["created_at", "actor", "via", "kind", "petition", "rows", "filters"]
    list_filter = ["kind", "via", "petition"]
    list_select_related = ["petition"]
    search_fields = ["actor"]
    date_hierarchy = "created_at"
