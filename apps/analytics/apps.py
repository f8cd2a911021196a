from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Materialized views over assessments, their refresh, and the dashboards that read them."""

    name = "apps.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        from apps.analytics import nav  # noqa: F401 — registers the Analytics nav item
        from apps.analytics.tasks import on_assessments_changed
        from apps.assessments.services import assessments_changed

        assessments_changed.connect(on_assessments_changed, dispatch_uid="analytics-refresh-on-assessment-change")
