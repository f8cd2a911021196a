from django.apps import AppConfig


class PhysioConfig(AppConfig):
    name = "apps.physio"
    label = "physio"
    verbose_name = "Physiotherapy and outcome measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.physio import nav  # noqa: F401 — notification kind, chart section, nav items
