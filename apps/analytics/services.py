"""Refreshing the analytics materialized views (docs/analytics.md).

Refreshes never overlap: a PostgreSQL session advisory lock guards them, and a second caller
returns ``"skipped"`` at once instead of queueing behind a long refresh."""

import time

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from apps.analytics.models import ANALYTICS_VIEWS, AnalyticsRefresh
from apps.core.cache import mark_changed

# Arbitrary but fixed: the advisory lock key every refresher agrees on ("RNDSANLY").
REFRESH_LOCK_KEY = 0x524E4453414E4C59 & 0x7FFFFFFFFFFFFFFF
AS_OF_CACHE_KEY = "analytics:refreshed-at:{}"
AS_OF_CACHE_SECONDS = 60
# The token of everything cached from the views' rows (``apps.core.cache.cached_until_changed``):
# the views change only here, so a refresh replaces it. One token for every company: a refresh
# rewrites every company's rows.
VIEWS_TOKEN = "analytics:views-token"  # without a shared cache (no Redis) another process may show it up to 60 s late


def analytics_refresh(*, concurrently: bool = True) -> str:
    """Refresh every analytics view; returns "refreshed" or "skipped" (another refresh runs).

    CONCURRENTLY keeps the views readable during the refresh (needs the unique indexes the
    migration creates); pass ``concurrently=False`` for the first fill or inside tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFRESH_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return "skipped"
        try:
            for view_name in ANALYTICS_VIEWS:
                _refresh_view(cursor, view_name, concurrently=concurrently)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK_KEY])
            mark_changed(VIEWS_TOKEN)  # what was derived from the views stops counting (even after a failure)
    return "refreshed"


def _refresh_view(cursor, view_name: str, *, concurrently: bool) -> None:
    mode = "CONCURRENTLY " if concurrently else ""
    started = time.monotonic()
    cursor.execute(f"REFRESH MATERIALIZED VIEW {mode}{view_name}")  # names come from ANALYTICS_VIEWS only
    duration_ms = round((time.monotonic() - started) * 1000)
    refreshed_at = timezone.now()
    AnalyticsRefresh.objects.update_or_create(
        view_name=view_name, defaults={"refreshed_at": refreshed_at, "duration_ms": duration_ms})
    cache.set(AS_OF_CACHE_KEY.format(view_name), refreshed_at, AS_OF_CACHE_SECONDS)


def analytics_refreshed_at(view_name: str = ANALYTICS_VIEWS[0]):
    """When ``view_name`` was last refreshed (None: never since the migration). Cached briefly:
    every analytics page shows it, and it changes only when a refresh runs."""
    return cache.get_or_set(AS_OF_CACHE_KEY.format(view_name), lambda: _refreshed_at_from_db(view_name),
                            AS_OF_CACHE_SECONDS)


def _refreshed_at_from_db(view_name):
    return AnalyticsRefresh.objects.filter(view_name=view_name).values_list("refreshed_at", flat=True).first()
