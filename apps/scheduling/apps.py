from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The appointment book: service types, availability, appointments, series, waitlist, reminders."""

    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from apps.clinical.models import Patient, RolePermission
        from apps.scheduling import nav  # noqa: F401 — nav items, chart section, notification kinds
        from apps.scheduling.book_cache import BOOK
        from apps.scheduling.models import (
            Appointment,
            AvailabilityOverride,
            ServiceType,
            TimeOff,
            WaitlistEntry,
            WeeklyAvailability,
        )
        from apps.tenants.models import Membership, Resource, Site, User

        # What the day view shows (apps.scheduling.book_cache): any save or delete resets the
        # company's cached book (a service, the admin, a factory, a signed link).
        BOOK.connect((Appointment, AvailabilityOverride, ServiceType, TimeOff, WaitlistEntry, WeeklyAvailability,
                      Patient, RolePermission, Membership, Resource, Site, User),
                     m2m=(ServiceType.sites.through, ServiceType.practitioners.through,
                          WaitlistEntry.preferred_practitioners.through))
