"""Admin for platform superusers. Appointments, series, reminders and booking requests are
read-only here: they are written only by the services (one write path, the exclusion
constraints' errors turned into clear conflicts); settings and service types are editable."""

from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin, ReadOnlyAdmin
from apps.scheduling.models import (
    Appointment,
    AppointmentSeries,
    AvailabilityOverride,
    BookingRequest,
    PatientContactPreference,
    Reminder,
    SchedulingSettings,
    ServiceType,
    TimeOff,
    WaitlistEntry,
    WeeklyAvailability,
)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["start", "end", "status", "site", "practitioner", "company"]
    list_filter = ["status"]
    raw_id_fields = ["patient", "practitioner", "site", "resource", "service_type", "series", "visit", "booked_by"]


@admin.register(AppointmentSeries)
class AppointmentSeriesAdmin(ReadOnlyAdmin):
    list_display = ["service_type", "rrule", "local_start", "time_zone", "company"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["appointment", "lead_minutes", "channel", "sent_at", "error"]


@admin.register(BookingRequest)
class BookingRequestAdmin(ReadOnlyAdmin):
    list_display = ["site", "start", "state", "company"]


@admin.register(ServiceType)
class ServiceTypeAdmin(PlatformAdmin):
    list_display = ["name", "duration_minutes", "price", "active", "bookable_online", "company"]
    filter_horizontal = ["practitioners", "sites"]


@admin.register(SchedulingSettings)
class SchedulingSettingsAdmin(PlatformAdmin):
    list_display = ["company", "reminder_leads_minutes", "self_booking_min_notice_minutes"]


for model in (WeeklyAvailability, AvailabilityOverride, TimeOff, WaitlistEntry, PatientContactPreference):
    admin.site.register(model, type(f"{model.__name__}Admin", (PlatformAdmin,),
                                    {"list_display": ["__str__", "company"]}))
