"""Comment moderation in the signatures admin: a list filter and two actions of the signature admin."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from signatures import services


class CommentModerationFilter(admin.SimpleListFilter):
    title = _("public comment")
    parameter_name = "comment_moderation"

    def lookups(self, request, model_admin):
        return [
            ("flagged", _("Flagged by visitors, shown")),
            ("hidden", _("Hidden by an organizer")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "flagged":
            return queryset.filter(comment_flags__isnull=False, comment_hidden=False).distinct()
        if self.value() == "hidden":
            return queryset.filter(comment_hidden=True)
        return queryset


@admin.action(description=_("Hide the comments of the selected signatures"), permissions=["change"])
def hide_comments(modeladmin, request, queryset):
    changed = services.comments_set_hidden(signatures=queryset, hidden=True)
    modeladmin.message_user(
        request, ngettext("%d comment hidden.", "%d comments hidden.", changed) % changed, messages.SUCCESS
    )


@admin.action(description=_("Show the comments of the selected signatures again"), permissions=["change"])
def show_comments(modeladmin, request, queryset):
    changed = services.comments_set_hidden(signatures=queryset, hidden=False)
    modeladmin.message_user(
        request,
        ngettext("%d comment shown again.", "%d comments shown again.", changed) % changed,
        messages.SUCCESS,
    )
