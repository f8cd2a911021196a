from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from apps.notifications import nav  # noqa: F401 — registers the Inbox nav item
        from apps.notifications.models import Notification

        post_save.connect(_unread_changed, sender=Notification, dispatch_uid="notifications-unread-save")
        post_delete.connect(_unread_changed, sender=Notification, dispatch_uid="notifications-unread-delete")


def _unread_changed(sender, instance, **kwargs):
    """Any saved or deleted notification (service, admin, factory) resets its user's cached
    unread count; bulk writes call ``selectors.unread_changed`` themselves."""
    from apps.notifications.selectors import unread_changed

    unread_changed(company_id=instance.company_id, user_ids=[instance.user_id])
