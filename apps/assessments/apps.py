from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """EPA assessments, the learners' requests for them, and the signed links that answer them."""

    name = "apps.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from apps.assessments import nav  # noqa: F401 — nav item, home panels, notification kinds
        from apps.assessments.selectors import epa_ids_in_use
        from apps.reference.selectors import register_epa_usage

        register_epa_usage(epa_ids_in_use)  # an EPA that assessments name keeps its number and name
