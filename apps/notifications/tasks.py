"""Celery tasks of notifications: deliver one notification (``apps.notifications.jobs``).
The contexts that send notifications own their periodic tasks (e.g. apps.assessments.tasks)."""

from smtplib import SMTPException

from celery import shared_task

from apps.notifications.jobs import notification_deliver


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(SMTPException, OSError),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=6)
def deliver_notification(company_id, notification_id):
    return notification_deliver(company_id=company_id, notification_id=notification_id)
