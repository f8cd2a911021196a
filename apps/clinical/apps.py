from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "apps.clinical"
    label = "clinical"
    verbose_name = "Clinical records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.clinical import nav, signals  # noqa: F401 — navigation, home panels, role seeding
