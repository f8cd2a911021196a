"""Inbox navigation and the unread-count home panel (imported by NotificationsConfig.ready)."""

from apps.core.navigation import register_home_panel, register_nav_item
from apps.notifications.selectors import unread_count


def _unread(user) -> int:
    return unread_count(user=user)


def unread_panel(request):
    if request.user.company_id is None:
        return None
    count = unread_count(user=request.user)
    return ("notifications/panel_unread.html", {"count": count}) if count else None


register_nav_item("Inbox", "notifications:inbox", roles=(), order=90, badge=_unread)
register_home_panel(unread_panel, order=10)
