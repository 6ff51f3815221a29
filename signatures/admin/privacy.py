"""Signers' email addresses, ZIP codes and private comments in admin.

Seeing a signature is not seeing its signer's contact details: those need
signatures.view_signer_details (superusers have it), and every look at them
is recorded (SignerDetailsView). Without it they are left out of pages, and
neither searches nor list filters can match them, so that a search cannot
tell whether an address or a ZIP code signed.
"""

from django.contrib import admin

from signatures import services
from signatures.models import SignerDetailsView

PERMISSION = "signatures.view_signer_details"
# A signer's own fields that say who they are or how to reach them.
PERSONAL_FIELDS = frozenset({"email", "email_canonical", "postal_code", "comment"})


def may_see_details(request) -> bool:
    return request.user.has_perm(PERMISSION)


class SignerDetailsMixin:
    """Leaves private_fields out of a ModelAdmin's pages and filters for those without the permission."""

    private_fields: frozenset[str] = frozenset()

    def hidden_fields(self, request, obj=None) -> frozenset[str]:
        return frozenset() if may_see_details(request) else self.private_fields

    def get_fieldsets(self, request, obj=None):
        hidden = self.hidden_fields(request, obj)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_list_display(self, request):
        hidden = self.hidden_fields(request)
        return [f for f in super().get_list_display(request) if f not in hidden]

    def lookup_allowed(self, lookup, value, request):
        # Django admin lets a list be filtered by any field of its own in the
        # query string (?email_canonical=...), list_filter or not.
        if not may_see_details(request) and self.private_fields & set(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def details_signature_id(self, request, object_id) -> int | None:
        """The signature whose details the change page of object_id shows."""
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and may_see_details(request):
            signature_id = self.details_signature_id(request, object_id)
            if signature_id is not None:
                services.signer_details_viewed(
                    user=request.user, what=SignerDetailsView.What.CHANGE_PAGE, signature_id=signature_id
                )
        return response


def record_search(request, queryset) -> None:
    """Record a search by email or ZIP code, with how many signatures it found (up to a cap)."""
    cap = 10_000
    services.signer_details_viewed(
        user=request.user,
        what=SignerDetailsView.What.SEARCH,
        results=queryset.order_by()[:cap].count(),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record that nobody adds to, changes or deletes from admin: the site writes it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignerDetailsView)
class SignerDetailsViewAdmin(ReadOnlyAdmin):
    """The record of looks at signers' details: read only, and never deleted from here."""

    list_display = ["created_at", "username", "what", "signature_id", "results"]
    list_filter = ["what"]
    search_fields = ["username"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "user", "username", "what", "signature_id", "results"]
