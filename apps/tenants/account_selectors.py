"""Reads about a person's own sign-in."""

import datetime

from django.conf import settings
from django.utils import timezone

from apps.tenants.models import UserSession

TOUCH_SLACK = datetime.timedelta(minutes=2)  # the idle middleware touches at most once a minute


def session_cutoffs():
    """(last seen before → idle-expired, started before → past the absolute lifetime)."""
    now = timezone.now()
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE) + TOUCH_SLACK
    absolute = datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    return now - idle, now - absolute


def user_session_list(*, user):
    """The person's live sessions, most recently used first."""
    idle_before, started_before = session_cutoffs()
    return UserSession.objects.filter(user=user, last_seen__gte=idle_before, created_at__gte=started_before)
