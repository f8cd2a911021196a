"""Celery tasks that keep the analytics views fresh. Beat runs ``refresh_analytics`` every 10
minutes (PeriodicTask "refresh-analytics-views", editable in the admin). When assessments change
(``apps.assessments.services.assessments_changed``), ``schedule_analytics_refresh`` is dispatched
on commit and queues one debounced refresh soon after."""

from celery import shared_task
from django.core.cache import cache

from apps.analytics.services import analytics_refresh
from apps.core.tasks import dispatch

DEBOUNCE_KEY = "analytics:refresh-scheduled"
DEBOUNCE_SECONDS = 60
REFRESH_DELAY_SECONDS = 30


# The name is the one the beat row and queued messages have used since the task lived in
# apps/assessments/analytics_tasks.py: task names stay stable when code moves.
@shared_task(name="apps.assessments.analytics_tasks.refresh_analytics", ignore_result=True)
def refresh_analytics() -> str:
    return analytics_refresh(concurrently=True)


@shared_task(name="apps.assessments.analytics_tasks.schedule_analytics_refresh", ignore_result=True)
def schedule_analytics_refresh() -> bool:
    """Queue one refresh ~30 s from now unless one was queued in the last minute.

    In eager mode (no broker: the demo) every call refreshes at once, so the learner sees a new
    assessment on the next page load."""
    if refresh_analytics.app.conf.task_always_eager:
        refresh_analytics.apply()
        return True
    if not cache.add(DEBOUNCE_KEY, True, timeout=DEBOUNCE_SECONDS):
        return False
    refresh_analytics.apply_async(countdown=REFRESH_DELAY_SECONDS)
    return True


def on_assessments_changed(sender, **kwargs) -> None:
    """Receiver of ``assessments_changed`` (connected in AnalyticsConfig.ready): sent inside the
    writing transaction, so the refresh is published only if it commits."""
    dispatch(schedule_analytics_refresh)
