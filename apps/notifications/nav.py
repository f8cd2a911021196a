"""Inbox navigation and the unread-count home panel (registered by NotificationsConfig.ready)."""

from apps.core.navigation import register_home_panel, register_nav_item



def _unread(user) -> int:
    from apps.notifications.selectors import unread_count

    return unread_count(user=user)


register_nav_item("Inbox", "notifications:inbox", roles=(), order=90, badge=_unread)


def unread_panel(request):
    from apps.notifications.selectors import unread_count

    if request.user.company_id is None:
        return None
    count = unread_count(user=request.user)
    return ("notifications/panel_unread.html", {"count": count}) if count else None


register_home_panel(unread_panel, order=10)
