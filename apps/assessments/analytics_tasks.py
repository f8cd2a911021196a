"""Celery tasks that keep the analytics views fresh. Beat runs ``refresh_analytics`` every 10
minutes (PeriodicTask "refresh-analytics-views", editable in the admin); submissions call
``schedule_analytics_refresh()`` on commit for a debounced refresh soon after."""

from celery import shared_task
from django.core.cache import cache

from apps.assessments.analytics_services import analytics_refresh

DEBOUNCE_KEY = "analytics:refresh-scheduled"
DEBOUNCE_SECONDS = 60
REFRESH_DELAY_SECONDS = 30


@shared_task(name="apps.assessments.analytics_tasks.refresh_analytics", ignore_result=True)
def refresh_analytics() -> str:
    return analytics_refresh(concurrently=True)


def schedule_analytics_refresh() -> bool:
    """Queue one refresh ~30 s from now unless one was queued in the last minute.

    Call it with ``transaction.on_commit(schedule_analytics_refresh)`` after an assessment is
    submitted, edited or deleted. In eager mode (no broker: the demo) every call refreshes at
    once, so the learner sees a new assessment on the next page load."""
    if refresh_analytics.app.conf.task_always_eager:
        refresh_analytics.apply()
        return True
    if not cache.add(DEBOUNCE_KEY, True, timeout=DEBOUNCE_SECONDS):
        return False
    refresh_analytics.apply_async(countdown=REFRESH_DELAY_SECONDS)
    return True
