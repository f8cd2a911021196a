"""Platform (superuser) admin for tenants and accounts. Tenant models here read across every
company, so each admin uses the ``unscoped()`` escape hatch explicitly."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from apps.tenants.models import (
    Company, Institution, Membership, ParticipationAgreement, Region, Resource, Site, SponsoringInstitution, User,
)
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


@admin.register(Company)
class CompanyAdmin(PlatformAdmin):
    list_display = ["name", "subdomain", "subscription_tier", "retention_years", "is_active"]
    search_fields = ["name", "subdomain"]
    list_filter = ["subscription_tier", "is_active"]


@admin.register(Institution)
class InstitutionAdmin(PlatformAdmin):
    list_display = ["name", "company", "kind"]
    list_filter = ["kind", "company"]
    search_fields = ["name"]


for model in (Region, SponsoringInstitution, ParticipationAgreement, Site, Resource, Membership):
    admin.site.register(model, PlatformAdmin)


@admin.register(User)
class UserAdmin(PlatformAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "company", "is_active", "is_superuser"]
    list_filter = ["company", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "phone", "company", "email_verified"]}),
        ("SSO", {"fields": ["sso_provider", "sso_subject"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "company", "password1", "password2"]})]
