from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "apps.hours"
    label = "hours"
    verbose_name = "Clinical hours"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.hours import nav  # noqa: F401 — navigation, notification kinds, chart of tasks
