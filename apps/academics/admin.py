"""Platform admin for programs: which participation agreements (PLAs) name a program lives here,
on the program, since programs sit above the tenant hierarchy that owns the agreements."""

from django.contrib import admin

from apps.academics.models import Program
from apps.audit.platform_admin import PlatformAdmin


@admin.register(Program)
class ProgramAdmin(PlatformAdmin):
    list_display = ["name", "company", "kind", "specialty"]
    list_filter = ["kind", "company"]
    search_fields = ["name", "acgme_program_id"]
    filter_horizontal = ["agreements"]
