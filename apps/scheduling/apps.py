from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The appointment book: service types, availability, appointments, series, waitlist, reminders."""

    name = "apps.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self):
        from apps.scheduling import nav  # noqa: F401 — nav items, chart section, notification kinds
