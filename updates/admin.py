"""Organizers' admin of updates: write, preview, test, publish, email with a count first, follow the sending.

And the suppression list, whose addresses only organizers who may see
signers' details see (signatures.view_signer_details), as for signatures.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signatures.admin.privacy import SignerDetailsMixin, may_see_details
from updates import services
from updates.models import Delivery, Suppression, Update, recipients
from updates.sending import build_message

LANGUAGES = {"en", "es"}


def _language(request) -> str:
    language = request.GET.get("lang") or request.POST.get("lang") or "en"
    return language if language in LANGUAGES else "en"


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ["title", "petition", "published_at", "sending", "recipient_count"]
    list_filter = ["petition", "sending", ("published_at", admin.EmptyFieldListFilter)]
    list_select_related = ["petition"]
    search_fields = ["title", "title_es"]
    readonly_fields = ["published_at", "sending", "recipient_count", "emailed_at", "emailed_by", "created_by"]
    fieldsets = [
        (None, {"fields": ["petition"]}),
        (_("English"), {"fields": ["title", "body"]}),
        (_("Spanish"), {"fields": ["title_es", "body_es"]}),
        (_("Publishing"), {"fields": readonly_fields}),
    ]
    change_form_template = "admin/updates/update/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        # Once emailed, its recipients are those of its petition.
        if obj is not None and obj.is_published:
            return ["petition", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/preview/", view(self.preview_page), name="updates_update_preview"),
            path("<int:pk>/preview/email/", view(self.preview_email), name="updates_update_preview_email"),
            path(
                "<int:pk>/preview/email.html", view(self.preview_email_html), name="updates_update_email_html"
            ),
            path("<int:pk>/test/", view(self.send_test), name="updates_update_test"),
            path("<int:pk>/publish/", view(self.publish), name="updates_update_publish"),
            path("<int:pk>/progress/", view(self.progress), name="updates_update_progress"),
            path("<int:pk>/sending/", view(self.change_sending), name="updates_update_sending"),
            *super().get_urls(),
        ]

    def _update(self, request, pk) -> Update:
        update = get_object_or_404(Update.objects.select_related("petition"), pk=pk)
        if not self.has_change_permission(request, update):
            raise PermissionDenied
        return update

    def _context(self, request, update, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": update,
            "update": update,
            "petition": update.petition,
            **extra,
        }

    def preview_page(self, request, pk):
        """The update as its page shows it, in English or Spanish."""
        update = self._update(request, pk)
        with translation.override(_language(request)):
            context = self._context(request, update, title=gettext("Preview"), language=_language(request))
            return TemplateResponse(request, "admin/updates/update/preview.html", context).render()

    def _message(self, update, language):
        return build_message(
            update,
            to="recipient@example.org",
            language=language,
            unsubscribe="https://example.org/unsubscribe/…/",
            message_id="<preview@example.org>",
        )

    def preview_email(self, request, pk):
        update = self._update(request, pk)
        language = _language(request)
        message = self._message(update, language)
        context = self._context(
            request, update, title=gettext("Email preview"), message=message, language=language
        )
        return TemplateResponse(request, "admin/updates/update/preview_email.html", context)

    def preview_email_html(self, request, pk):
        update = self._update(request, pk)
        ((html, _mimetype),) = self._message(update, _language(request)).alternatives
        return HttpResponse(html)

    def send_test(self, request, pk):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:updates_update_change", args=[pk]))
        update = self._update(request, pk)
        if not request.user.email:
            self.message_user(
                request,
                gettext("Your account has no email address: add one to receive a test."),
                messages.ERROR,
            )
        else:
            services.update_send_test(update=update, address=request.user.email, language=_language(request))
            self.message_user(
                request, gettext("A test is on its way to %(address)s.") % {"address": request.user.email}
            )
        return HttpResponseRedirect(reverse("admin:updates_update_change", args=[pk]))

    def publish(self, request, pk):
        """GET: what publishing does, with the number of recipients. POST: do it."""
        update = self._update(request, pk)
        if update.sending != Update.Sending.NOT_EMAILED:
            return HttpResponseRedirect(reverse("admin:updates_update_progress", args=[pk]))
        if request.method == "POST":
            email = request.POST.get("email") == "1"
            services.update_publish(update=update, user=request.user, email=email)
            if email:
                return HttpResponseRedirect(reverse("admin:updates_update_progress", args=[pk]))
            self.message_user(request, gettext("The update is on the campaign page."))
            return HttpResponseRedirect(reverse("admin:updates_update_change", args=[pk]))
        context = self._context(
            request,
            update,
            title=gettext("Publish this update"),
            recipients=recipients(update.petition).count(),
        )
        return TemplateResponse(request, "admin/updates/update/publish.html", context)

    def progress(self, request, pk):
        update = self._update(request, pk)
        progress = Delivery.objects.filter(update=update).progress()
        context = self._context(request, update, title=gettext("Sending"), progress=progress)
        return TemplateResponse(request, "admin/updates/update/progress.html", context)

    @staticmethod
    def _sending_actions():
        return {
            "pause": services.update_pause,
            "resume": services.update_resume,
            "cancel": services.update_cancel,
        }

    def change_sending(self, request, pk):
        update = self._update(request, pk)
        action = (
            self._sending_actions().get(request.POST.get("action", "")) if request.method == "POST" else None
        )
        if action is not None and not action(update=update):
            self.message_user(
                request,
                gettext("Nothing changed: the sending was not in a state that allows it."),
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:updates_update_progress", args=[pk]))


class SuppressionForm(forms.ModelForm):
    class Meta:
        model = Suppression
        fields = ["email", "reason", "note"]


@admin.register(Suppression)
class SuppressionAdmin(SignerDetailsMixin, admin.ModelAdmin):
    # The note of an automatic entry quotes the mail server, which quotes the address.
    private_fields = frozenset({"email", "email_canonical", "note"})

    form = SuppressionForm
    list_display = ["email", "reason", "note", "created_at", "created_by"]
    list_filter = ["reason"]
    fieldsets = [(None, {"fields": ["email", "reason", "note"]})]
    search_fields = ["email_canonical", "email"]
    show_full_result_count = False

    def get_search_fields(self, request):
        return self.search_fields if may_see_details(request) else []

    def has_change_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        # Adding asks for the address whoever adds it; seeing one needs the permission.
        if obj is None:
            return self.fieldsets
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        # The same message whether or not it was on the list already: the
        # list must not become a way to learn who bounced or complained.
        entry, _created = services.suppression_add(
            email=obj.email, reason=obj.reason, note=obj.note, user=request.user
        )
        # What admin's history records (its text says no address: Suppression.__str__).
        obj.pk, obj.created_at = entry.pk, entry.created_at

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, gettext("The address is on the suppression list."))
        return HttpResponseRedirect(reverse("admin:updates_suppression_changelist"))


@admin.register(Delivery)
class DeliveryAdmin(SignerDetailsMixin, admin.ModelAdmin):
    """Read-only: who an update went to and what failed, for organizers answering "I got nothing"."""

    private_fields = frozenset({"signature", "last_error"})
    list_display = ["update", "signature", "sent_at", "attempts", "gave_up_at", "last_error"]
    list_filter = [
        "update",
        ("sent_at", admin.EmptyFieldListFilter),
        ("gave_up_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["update", "signature__petition"]
    show_full_result_count = False
    readonly_fields = [
        "update",
        "signature",
        "created_at",
        "next_attempt_at",
        "attempts",
        "last_error",
        "sent_at",
        "gave_up_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
