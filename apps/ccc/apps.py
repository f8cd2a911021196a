from django.apps import AppConfig


class CccConfig(AppConfig):
    """Milestones and the Clinical Competency Committee: meetings, resident reviews, milestone
    levels, packets with suggested levels, and the milestone report."""

    name = "apps.ccc"
    label = "ccc"
    verbose_name = "Clinical Competency Committee"

    def ready(self):
        from apps.ccc import nav  # noqa: F401 — nav items and notification kinds
