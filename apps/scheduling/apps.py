from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The appointment book: service types, availability, appointments, series, waitlist, reminders."""

    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from apps.clinical.models import Patient, RolePermission
        from apps.scheduling import nav  # noqa: F401 — nav items, chart section, notification kinds
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
        for model in (Appointment, AvailabilityOverride, ServiceType, TimeOff, WaitlistEntry, WeeklyAvailability,
                      Patient, RolePermission, Membership, Resource, Site, User):
            name = model._meta.label_lower
            post_save.connect(_book_changed, sender=model, dispatch_uid=f"scheduling-book-save-{name}")
            post_delete.connect(_book_changed, sender=model, dispatch_uid=f"scheduling-book-delete-{name}")
        for through in (ServiceType.sites.through, ServiceType.practitioners.through,
                        WaitlistEntry.preferred_practitioners.through):
            m2m_changed.connect(_book_changed, sender=through, dispatch_uid=f"scheduling-book-m2m-{through.__name__}")


def _book_changed(sender, instance, **kwargs):
    from apps.scheduling.book_cache import book_changed

    if kwargs.get("action", "post_")[:5] == "post_":  # m2m_changed: once, after the change
        book_changed(company_id=getattr(instance, "company_id", None))
