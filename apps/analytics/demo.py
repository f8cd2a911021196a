"""Demo rows are bulk-created, and without a broker no beat refreshes the analytics views:
refresh them once, last, so the dashboards show the demo data from the start."""

from apps.analytics.services import analytics_refresh


def seed(world, log=print) -> None:
    log(f"analytics views: {analytics_refresh(concurrently=False)}")
