"""The outbox of signer mail in admin: what was sent to whom, and what failed."""

from django.contrib import admin

from signatures.admin.privacy import PERSONAL_FIELDS, SignerDetailsMixin, may_see_details, record_search
from signatures.models import SignatureMail


@admin.register(SignatureMail)
class SignatureMailAdmin(SignerDetailsMixin, admin.ModelAdmin):
    """Read-only: what was sent to whom and what failed, for organizers answering "no email"."""

    # A mail server's error often quotes the address it refused.
    private_fields = PERSONAL_FIELDS | {"last_error"}

    list_display = ["signature", "kind", "cause", "created_at", "sent_at", "attempts", "gave_up_at"]
    list_filter = [
        "kind",
        "cause",
        ("sent_at", admin.EmptyFieldListFilter),
        ("gave_up_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["signature__petition"]
    search_fields = ["signature__email_canonical"]
    show_full_result_count = False
    readonly_fields = [f.name for f in SignatureMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_fields(self, request):
        return self.search_fields if may_see_details(request) else []

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and may_see_details(request):
            record_search(request, found)
        return found, may_have_duplicates

    def details_signature_id(self, request, object_id):
        mail = self.get_object(request, object_id)
        return mail.signature_id if mail.last_error else None
