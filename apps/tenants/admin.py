"""Platform (superuser) admin for tenants and accounts. Tenant models here read across every
company; ``PlatformAdmin`` (apps.audit.admin) unscopes the lists, scopes the dropdowns to the
edited object's company and audits every write."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.audit.platform_admin import PlatformAdmin
from apps.tenants.models import (
    Company,
    Institution,
    Membership,
    ParticipationAgreement,
    Region,
    Resource,
    Site,
    SponsoringInstitution,
    User,
)


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
