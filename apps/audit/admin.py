"""The read-only audit and access logs in the admin. The platform admin's base class is
``apps.audit.platform_admin.PlatformAdmin``."""

import uuid

from django.apps import apps
from django.contrib import admin

from apps.audit.models import AccessLog, AuditLog
from apps.audit.platform_admin import AuditedAdminMixin, AuditedImportMixin, PlatformAdmin  # noqa: F401

# Admins of other apps that write: audited too. Their admin modules load before this one
# (INSTALLED_APPS order), so each is re-registered with AuditedAdminMixin in front. Every other
# admin inherits PlatformAdmin or is read-only (tests/audit/test_admin_registry.py checks).
AUDITED_OTHER_ADMINS = (
    "auth.Group",  # Django permissions for staff
    "authtoken.TokenProxy",  # API tokens: creating one for someone is acting as them
    "otp_totp.TOTPDevice", "otp_static.StaticDevice",  # a user's second factor (reset = delete)
    "axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog",  # deleting attempts unlocks an account
    "django_celery_beat.PeriodicTask", "django_celery_beat.IntervalSchedule",
    "django_celery_beat.CrontabSchedule", "django_celery_beat.SolarSchedule", "django_celery_beat.ClockedSchedule",
)


def _audit_other_admins():
    for label in AUDITED_OTHER_ADMINS:
        model = apps.get_model(label)
        current = admin.site._registry.get(model)
        if current is not None and not isinstance(current, AuditedAdminMixin):
            admin.site.unregister(model)
            admin.site.register(model, type(type(current).__name__, (AuditedAdminMixin, type(current)),
                                            {"__module__": __name__}))


_audit_other_admins()


class _ReadOnlyLogAdmin(admin.ModelAdmin):
    """Read-only for platform superusers: the logs are append-only."""

    def get_queryset(self, request):
        return self.model.objects.unscoped().select_related("company", "actor")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(_ReadOnlyLogAdmin):
    list_display = ["created_at", "company", "actor", "action", "entity_type", "entity_id", "ip_address", "severity"]
    list_filter = ["severity", "action", "company"]
    search_fields = ["entity_id", "actor__email", "action", "endpoint"]
    date_hierarchy = "created_at"


class RecordFilter(admin.SimpleListFilter):
    """``?record=<id>``: who opened this record (linked from nowhere; type the id or follow a link)."""

    title = "record"
    parameter_name = "record"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        return queryset.filter(entity_id=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """``?actor=<user id>``: what this person opened."""

    title = "person"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(actor_id=uuid.UUID(self.value()))
        except ValueError:
            return queryset.none()


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnlyLogAdmin):
    list_display = ["created_at", "company", "actor", "action", "entity_type", "entity_id", "endpoint", "ip_address"]
    list_filter = [RecordFilter, ActorFilter, "action", "entity_type", "company"]
    search_fields = ["entity_id", "actor__email", "endpoint"]
    date_hierarchy = "created_at"
