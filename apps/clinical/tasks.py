"""Celery tasks of the clinical context. Each takes the company id explicitly."""

from celery import shared_task

from apps.clinical import jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_news2_alert(company_id, vitals_id):
    """A medium/high NEWS2: tell the responsible nurse and practitioner (idempotent by key)."""
    return jobs.vitals_notify_alert(company_id=company_id, vitals_id=vitals_id)
