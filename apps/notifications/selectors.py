from apps.core.cache import cached_until_changed, mark_changed
from apps.notifications.models import Channel, Notification, NotificationPreference


def inbox(*, user):
    return Notification.objects.for_company(user.company_id).filter(user=user, channel=Channel.IN_APP)


def unread_count(*, user) -> int:
    """The inbox badge on every page: counted once, then cached until one of the user's
    notifications is created, read or removed (``unread_changed``, called by the model's signals)."""
    return cached_until_changed(f"rounds:{user.company_id}:unread:{user.pk}", _unread_token(user.company_id, user.pk),
                                lambda: inbox(user=user).filter(read_at__isnull=True).count())


def _unread_token(company_id, user_id) -> str:
    return f"rounds:{company_id}:unread-token:{user_id}"


def unread_changed(*, company_id, user_ids) -> None:
    """These users' unread counts change when the current transaction commits."""
    mark_changed(*(_unread_token(company_id, user_id) for user_id in set(user_ids)))


def preferences_of(*, user) -> dict:
    """{(kind, channel): enabled} — missing pairs are on."""
    rows = NotificationPreference.objects.for_company(user.company_id).filter(user=user)
    return {(row.kind, row.channel): row.enabled for row in rows}
