"""Celery tasks of the appointment book (thin: the work is in apps.scheduling.jobs). Each takes
the company id explicitly; the periodic reminder task walks every active company."""

from smtplib import SMTPException

from celery import shared_task

from apps.core import rls
from apps.notifications.sms import SmsError
from apps.scheduling import jobs
from apps.tenants.selectors import active_company_ids

RETRY = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (OSError, SMTPException, SmsError),
         "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def offer_waitlist(company_id, appointment_id):
    """A booked time was freed: offer it to the best-matching waitlist entries."""
    return jobs.waitlist_offer_freed(company_id=company_id, appointment_id=appointment_id)


@shared_task(**RETRY)
def send_waitlist_offer(company_id, entry_id, appointment_id):
    return jobs.waitlist_offer_send(company_id=company_id, entry_id=entry_id, appointment_id=appointment_id)


@shared_task(**RETRY)
def send_booking_confirmation(company_id, request_id):
    return jobs.booking_request_send_link(company_id=company_id, request_id=request_id)


@shared_task(name="apps.scheduling.tasks.send_appointment_reminders", acks_late=True)
def send_appointment_reminders():
    """Periodic (django-celery-beat, every 5 minutes): due reminders, company by company."""
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = jobs.reminders_send_due(company_id=company_id)
    return results
