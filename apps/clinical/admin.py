"""Admin for platform superusers. Signed notes, their revisions and addenda are read-only here:
the admin can no more change a signed note than the service or the API can."""

from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin, ReadOnlyAdmin
from apps.clinical.models import (
    Addendum,
    Allergy,
    Case,
    Note,
    NoteRevision,
    NoteTemplate,
    NurseLog,
    Patient,
    RolePermission,
    Visit,
    VitalSigns,
)


@admin.register(Patient)
class PatientAdmin(PlatformAdmin):
    list_display = ["mrn", "last_name", "first_name", "date_of_birth", "company"]
    search_fields = ["mrn", "last_name"]
    raw_id_fields = ["home_site", "primary_practitioner", "primary_nurse", "portal_user"]


@admin.register(RolePermission)
class RolePermissionAdmin(PlatformAdmin):
    list_display = ["company", "role", "code"]
    list_filter = ["role", "code"]


@admin.register(NoteTemplate)
class NoteTemplateAdmin(PlatformAdmin):
    list_display = ["name", "company", "is_active"]



@admin.register(Note)
class NoteAdmin(PlatformAdmin):
    list_display = ["patient", "author", "status", "signed_at", "cosign_required", "cosigned_at"]
    list_filter = ["status"]
    raw_id_fields = ["visit", "author", "template"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_signed)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoteRevision)
class NoteRevisionAdmin(ReadOnlyAdmin):
    list_display = ["note", "version", "author", "created_at"]


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    list_display = ["note", "author", "written_at"]


for model in (Allergy, Case, Visit, VitalSigns, NurseLog):
    admin.site.register(model, type(f"{model.__name__}Admin", (PlatformAdmin,),
                                    {"list_display": ["__str__", "company"]}))
