from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, nobody edits it."""

    list_display = ("at", "action", "actor_label", "event", "venue", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_id", "request_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
