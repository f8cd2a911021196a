"""Jobs run by the notification tasks (apps.notifications.tasks): delivering one notification
exactly once.

Delivery semantics: the broker gives at-least-once delivery (acks_late + reject_on_worker_lost:
a task whose worker dies is redelivered). ``notification_deliver`` turns that into
effectively-exactly-once by locking the notification row and marking it sent in the same
transaction as the send — see its docstring for the one remaining window.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.core.links import absolute_url
from apps.notifications.models import Channel, Notification


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
        body += f"\n\n{absolute_url(notification.action_url)}"
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
