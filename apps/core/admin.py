"""The task outbox in the admin (read-only). The admin base class for tenant and reference models
is ``apps.audit.platform_admin.PlatformAdmin`` (audited, company-scoped dropdowns)."""

from django.contrib import admin

from apps.core.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only view of the task outbox: what waits for the broker, what failed and why."""

    list_display = ("task_name", "created_at", "published_at", "executed_at", "attempts", "last_error")
    list_filter = ("task_name", ("published_at", admin.EmptyFieldListFilter), ("executed_at", admin.EmptyFieldListFilter))
    search_fields = ("id", "company_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted message is a task that silently never runs
