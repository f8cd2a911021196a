"""Platform admin for the hours settings a program keeps (policy, rotation hours)."""

from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin
from apps.hours.models import HoursPolicy, RotationHours


@admin.register(HoursPolicy)
class HoursPolicyAdmin(PlatformAdmin):
    list_display = ["program", "company", "time_zone", "auto_close_after_hours", "lock_weeks"]
    list_filter = ["company"]


@admin.register(RotationHours)
class RotationHoursAdmin(PlatformAdmin):
    list_display = ["rotation_type", "company", "required_hours", "default_start", "default_end"]
    list_filter = ["company"]
