"""The admin base for tenant-owned models: platform superusers only, and unscoped on purpose
(the admin is the one place that reads every company's rows)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.models import OutboxMessage
from apps.core.scoping import TenantQuerySet


class PlatformAdmin(SimpleHistoryAdmin):
    """Admin for a tenant-owned model: unscoped on purpose (platform superusers only)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.unscoped() if isinstance(queryset, TenantQuerySet) else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = db_field.remote_field.model._default_manager.all()
        if isinstance(queryset, TenantQuerySet):
            kwargs.setdefault("queryset", queryset.unscoped())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = db_field.remote_field.model._default_manager.all()
        if isinstance(queryset, TenantQuerySet):
            kwargs.setdefault("queryset", queryset.unscoped())
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
