from django.apps import AppConfig


class HospitalConfig(AppConfig):
    name = "apps.hospital"
    label = "hospital"
    verbose_name = "Hospital floor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.hospital import nav  # noqa: F401 — navigation, home panels, kinds, the chart section
