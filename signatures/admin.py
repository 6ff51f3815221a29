from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures import services
from signatures.models import Signature, SignatureMail


class ConfirmByHandForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you confirming by hand?"), max_length=300,
        help_text=_("For example: “Wrote in on 3 May from the same address; the email never arrived.”"),
        widget=forms.TextInput(attrs={"size": 80}),
    )


@admin.action(description=_("Resend the confirmation email"), permissions=["change"])
def resend_confirmation(modeladmin, request, queryset):
    sent = sum(services.signature_resend_confirmation(signature=s) for s in queryset)
    modeladmin.message_user(request, ngettext(
        "Confirmation email queued for %(sent)d signature.",
        "Confirmation email queued for %(sent)d signatures.", sent,
    ) % {"sent": sent})
    if skipped := len(queryset) - sent:
        modeladmin.message_user(request, ngettext(
            "%(skipped)d skipped: not pending, or already sent the most emails allowed today.",
            "%(skipped)d skipped: not pending, or already sent the most emails allowed today.", skipped,
        ) % {"skipped": skipped}, messages.WARNING)


@admin.action(description=_("Confirm by hand (with a reason)"), permissions=["change"])
def confirm_by_hand(modeladmin, request, queryset):
    """Ask for the reason on an intermediate page, then confirm each pending signature."""
    form = ConfirmByHandForm(request.POST if "reason" in request.POST else None)
    if form.is_valid():
        confirmed = 0
        for signature in queryset:
            try:
                confirmed += services.signature_confirm(
                    signature=signature, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError:
                pass  # not pending: struck and flagged ones are restored, not confirmed
        modeladmin.message_user(request, ngettext(
            "%(n)d signature confirmed.", "%(n)d signatures confirmed.", confirmed
        ) % {"n": confirmed})
        if skipped := len(queryset) - confirmed:
            modeladmin.message_user(request, ngettext(
                "%(n)d skipped: not pending.", "%(n)d skipped: not pending.", skipped
            ) % {"n": skipped}, messages.WARNING)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Confirm signatures by hand"),
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/signatures/confirm_by_hand.html", context)


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "petition", "status", "country", "region", "created_at"]
    list_filter = ["status", "petition"]
    search_fields = ["name", "email_canonical", "postal_code"]
    list_select_related = ["petition"]
    show_full_result_count = False
    actions = [resend_confirmation, confirm_by_hand]
    # Personal data is what the signer typed: organizers strike or restore
    # signatures, they do not edit them.
    readonly_fields = [f.name for f in Signature._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SignatureMail)
class SignatureMailAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom and what failed, for organizers answering "no email"."""

    list_display = ["signature", "kind", "cause", "created_at", "sent_at", "attempts", "gave_up_at"]
    list_filter = ["kind", "cause", ("sent_at", admin.EmptyFieldListFilter), ("gave_up_at", admin.EmptyFieldListFilter)]
    list_select_related = ["signature__petition"]
    search_fields = ["signature__email_canonical"]
    show_full_result_count = False
    readonly_fields = [f.name for f in SignatureMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
