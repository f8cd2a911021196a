"""A notification is its recipient's alone: anyone else gets 404."""

from django.http import Http404

from apps.core.access import company_of
from apps.notifications import selectors
from apps.notifications.models import Notification


def get_notification_for_user(user, notification_id) -> Notification:
    company_of(user)
    try:
        return selectors.inbox(user=user).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError):
        raise Http404("No notification here")
