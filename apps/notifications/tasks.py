"""Celery tasks: deliver one notification; periodic reminders and expiry.

Delivery semantics: the broker gives at-least-once delivery (acks_late + reject_on_worker_lost:
a task whose worker dies is redelivered). ``notification_deliver`` turns that into
effectively-exactly-once by locking the notification row and marking it sent in the same
transaction as the send — see its docstring for the one remaining window.
"""

import logging
from smtplib import SMTPException

from celery import shared_task

from apps.core import rls
from apps.tenants.models import Company

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(SMTPException, OSError),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=6)
def deliver_notification(company_id, notification_id):
    from apps.notifications.services import notification_deliver

    return notification_deliver(company_id=company_id, notification_id=notification_id)


def _for_each_active_company(work):
    """{company id: work(company_id=…)}, each run as that company (row-level security)."""
    results = {}
    for company_id in Company.objects.filter(is_active=True).values_list("pk", flat=True):
        with rls.tenant(company_id):
            results[str(company_id)] = work(company_id=company_id)
    return results


@shared_task(acks_late=True)
def send_assessment_reminders():
    """Periodic (django-celery-beat): remind assessors of open requests, company by company."""
    from apps.assessments.services import assessment_request_remind_due

    return _for_each_active_company(assessment_request_remind_due)


@shared_task(acks_late=True)
def expire_assessment_requests():
    """Periodic (django-celery-beat): expire open requests past their expiry, company by company."""
    from apps.assessments.services import assessment_request_expire_due

    return _for_each_active_company(assessment_request_expire_due)
