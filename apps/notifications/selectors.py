from apps.notifications.models import Channel, Notification, NotificationPreference


def inbox(*, user):
    return Notification.objects.for_company(user.company_id).filter(user=user, channel=Channel.IN_APP)


def unread_count(*, user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()


def preferences_of(*, user) -> dict:
    """{(kind, channel): enabled} — missing pairs are on."""
    rows = NotificationPreference.objects.for_company(user.company_id).filter(user=user)
    return {(row.kind, row.channel): row.enabled for row in rows}
