"""Celery tasks of billing. Each takes the company id explicitly; the work is in jobs.py."""

from celery import shared_task

from apps.billing import jobs


@shared_task(name="apps.billing.tasks.notify_invoice_issued", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_invoice_issued(company_id, invoice_id):
    return jobs.invoice_notify_patient(company_id=company_id, invoice_id=invoice_id)
