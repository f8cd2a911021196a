from django.contrib import admin

from apps.audit.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only for platform superusers: the log is append-only."""

    list_display = ["created_at", "company", "actor", "action", "entity_type", "entity_id", "ip_address", "severity"]
    list_filter = ["severity", "action", "company"]
    search_fields = ["entity_id", "actor__email", "action", "endpoint"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return AuditLog.objects.unscoped().select_related("company", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
