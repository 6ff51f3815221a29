from django.contrib import admin

from signatures.models import Signature


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "petition", "status", "country", "region", "created_at"]
    list_filter = ["status", "petition", "email_disposable"]
    search_fields = ["name", "email_canonical", "postal_code"]
    list_select_related = ["petition"]
    show_full_result_count = False
    # Personal data is what the signer typed: organizers strike or restore
    # signatures, they do not edit them.
    readonly_fields = [f.name for f in Signature._meta.fields]

    def has_add_permission(self, request):
        return False


# The abuse-review admin (allow-list, activity, invalidations) lives beside this one.
from signatures import abuse_admin  # noqa: E402,F401
