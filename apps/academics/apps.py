from django.apps import AppConfig


class AcademicsConfig(AppConfig):
    """Programs, learners, faculty, the academic calendar, the rotation schedule and its feeds."""

    name = "apps.academics"
    label = "academics"
    verbose_name = "Academics"

    def ready(self):
        from apps.academics import nav  # noqa: F401 — nav item, home panel and notification kinds
