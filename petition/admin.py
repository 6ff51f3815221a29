from django.contrib import admin

from petition.models import Petition


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "featured", "goal", "requires_confirmation", "created_at"]
    list_filter = ["status", "featured"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
