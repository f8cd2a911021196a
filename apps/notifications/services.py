"""Notification writes: create one row per (message, channel) and dispatch its delivery task.
Delivery itself (exactly once per row) is ``apps.notifications.jobs``, run by the task."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch
from apps.notifications.kinds import get_kind
from apps.notifications.models import Channel, Notification, NotificationPreference
from apps.notifications.tasks import deliver_notification


def preference_enabled(*, company_id, user, kind, channel) -> bool:
    """Everything is on until the person turns it off."""
    preference = NotificationPreference.objects.for_company(company_id).filter(
        user=user, kind=kind, channel=channel).first()
    return preference is None or preference.enabled


def notification_send(*, company_id, user, kind, idempotency_key, context=None, title=None, message="",
                      action_url="", channels=None) -> list[Notification]:
    """One Notification per enabled channel, keyed ``idempotency_key:channel`` (unique): calling
    this twice with the same key creates nothing new and sends nothing twice.

    ``kind`` is a registered kind (apps.notifications.kinds): its template renders title and
    message from ``context`` unless ``title`` is given; ``channels`` default to its channels."""
    registered = get_kind(kind)
    if title is None:
        title, message = _render(registered, context or {})
    created = []
    for channel in channels if channels is not None else registered.default_channels:
        if not preference_enabled(company_id=company_id, user=user, kind=kind, channel=channel):
            continue
        notification = _notification_get_or_create(
            company_id=company_id, user=user, kind=kind, channel=channel, title=title, message=message,
            action_url=action_url, key=f"{idempotency_key}:{channel}")
        if notification is not None:
            created.append(notification)
    return created


def _render(kind, context) -> tuple[str, str]:
    text = render_to_string(kind.template, context).strip()
    title, _, message = text.partition("\n")
    return title.strip(), message.strip()


def _notification_get_or_create(*, company_id, user, kind, channel, title, message, action_url, key):
    """The new notification, or None when the key was used before (apps.core.idempotency)."""

    def create() -> Notification:
        notification = Notification.objects.create(
            company_id=company_id, user=user, kind=kind, channel=channel, title=title[:255], message=message,
            action_url=action_url[:500], idempotency_key=key)
        dispatch(deliver_notification, company_id=str(company_id), notification_id=str(notification.pk))
        return notification

    notification, created = replay_or_create(Notification.objects.for_company(company_id),
                                             key_field="idempotency_key", key=key, create=create)
    return notification if created else None


def notification_mark_read(*, user, notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionError("Not your notification")
    if notification.read_at is None:
        _mark_read(notification, user)
    return notification


def notification_mark_all_read(*, user) -> int:
    """Saved one by one (not QuerySet.update) so each gets its history row with the reader."""
    with transaction.atomic():
        unread = list(Notification.objects.for_company(user.company_id).select_for_update().filter(
            user=user, channel=Channel.IN_APP, read_at__isnull=True).order_by("pk"))
        for notification in unread:
            _mark_read(notification, user)
    return len(unread)


def _mark_read(notification, user) -> None:
    notification.read_at = timezone.now()
    notification._history_user = user
    notification.save(update_fields=["read_at", "updated_at"])


def preference_set(*, user, kind, channel, enabled: bool) -> NotificationPreference:
    get_kind(kind)
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.for_company(user.company_id).get_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled, "company_id": user.company_id})
        if preference.enabled != enabled:
            preference.enabled = enabled
            preference._history_user = user
            preference.save()
    return preference


def notification_delivered_in_app(*, user, kind, title, message, action_url, key, read=False) -> Notification:
    """An unsaved in-app notification that is already delivered, for bulk seeding (the demo's
    inboxes): the caller bulk-creates them; nothing is e-mailed."""
    get_kind(kind)
    now = timezone.now()
    return Notification(company_id=user.company_id, user=user, kind=kind, channel=Channel.IN_APP, title=title[:255],
                        message=message, action_url=action_url[:500], status=Notification.Status.SENT, sent_at=now,
                        read_at=now if read else None, attempts=1, idempotency_key=f"demo:{key}:{Channel.IN_APP}")
