"""Notification writes: create one row per (message, channel), then deliver each exactly once."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.tasks import dispatch
from apps.notifications.models import Channel, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def preference_enabled(*, company_id, user, kind, channel) -> bool:
    """Everything is on until the person turns it off."""
    preference = NotificationPreference.objects.for_company(company_id).filter(
        user=user, kind=kind, channel=channel).first()
    return preference is None or preference.enabled


def notification_send(*, company_id, user, kind, title, message, action_url="", channels=(Channel.IN_APP,),
                      idempotency_key) -> list[Notification]:
    """One Notification per enabled channel, keyed ``idempotency_key:channel`` (unique): calling
    this twice with the same key creates nothing new and sends nothing twice."""
    created = []
    for channel in channels:
        if not preference_enabled(company_id=company_id, user=user, kind=kind, channel=channel):
            continue
        notification = _notification_get_or_create(
            company_id=company_id, user=user, kind=kind, channel=channel, title=title, message=message,
            action_url=action_url, key=f"{idempotency_key}:{channel}")
        if notification is not None:
            created.append(notification)
    return created


def _notification_get_or_create(*, company_id, user, kind, channel, title, message, action_url, key):
    from apps.notifications.tasks import deliver_notification

    if Notification.objects.for_company(company_id).filter(idempotency_key=key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                company_id=company_id, user=user, kind=kind, channel=channel, title=title[:255], message=message,
                action_url=action_url[:500], idempotency_key=key)
            dispatch(deliver_notification, company_id=str(company_id), notification_id=str(notification.pk))
    except IntegrityError:  # a concurrent call with the same key won the unique constraint
        return None
    return notification


def notification_deliver(*, company_id, notification_id) -> bool:
    """Deliver one notification, at most once (True when this call sent it).

    The row is locked (SELECT … FOR UPDATE) for the whole send, so two workers holding the same
    task (redelivery after a lost ack) serialize; the second sees status=sent and returns. The
    mail is sent and the row marked sent inside one transaction: if the worker dies before the
    commit the row stays pending and the redelivered task sends it. The only duplicate left is a
    crash between the SMTP server accepting the mail and our COMMIT — a window of one round trip,
    which at-least-once brokers cannot close without the mail server's cooperation.
    """
    with transaction.atomic():
        notification = (Notification.objects.for_company(company_id).select_for_update()
                        .select_related("user").filter(pk=notification_id).first())
        if notification is None or notification.status in (Notification.Status.SENT, Notification.Status.SKIPPED):
            return False
        notification.attempts += 1
        if notification.channel == Channel.EMAIL:
            _email(notification)
        notification.status, notification.sent_at, notification.last_error = Notification.Status.SENT, timezone.now(), ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    return True


def _email(notification) -> None:
    body = notification.message
    if notification.action_url:
        url = notification.action_url
        body += f"\n\n{url if url.startswith('http') else settings.SITE_URL.rstrip('/') + url}"
    send_mail(notification.title, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])


def notification_record_failure(*, company_id, notification_id, error: str) -> None:
    with transaction.atomic():
        notification = Notification.objects.for_company(company_id).select_for_update().filter(
            pk=notification_id).first()
        if notification is None or notification.status == Notification.Status.SENT:
            return
        notification.attempts += 1
        notification.status, notification.last_error = Notification.Status.FAILED, error[:2000]
        notification.save(update_fields=["attempts", "status", "last_error", "updated_at"])


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
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.for_company(user.company_id).get_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled, "company_id": user.company_id})
        if preference.enabled != enabled:
            preference.enabled = enabled
            preference._history_user = user
            preference.save()
    return preference
