"""Celery tasks of the hospital floor (thin: the work is in apps.hospital.jobs). Each takes the company
id explicitly; the periodic ones walk every active company, each run as that company (RLS)."""

from celery import shared_task

from apps.core import rls
from apps.hospital import jobs
from apps.tenants.selectors import active_company_ids


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_critical_result(company_id, result_id):
    """A critical lab value: tell the ordering practitioner at once (idempotent by key)."""
    return jobs.lab_result_notify_critical(company_id=company_id, result_id=result_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def stock_alerts(company_id):
    """Low-stock and expiring-in-30-days alerts of one company (once per item per day, by key)."""
    return jobs.stock_alerts_send(company_id=company_id)


@shared_task(name="apps.hospital.tasks.stock_alerts_all", acks_late=True)
def stock_alerts_all():
    """Periodic (django-celery-beat, daily): the stock alerts of every active company."""
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = jobs.stock_alerts_send(company_id=company_id)
    return results


@shared_task(name="apps.hospital.tasks.mar_extend_all", acks_late=True)
def mar_extend_all():
    """Periodic (daily): schedule the next days' doses of open-ended prescriptions, company by company."""
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = jobs.mar_extend(company_id=company_id)
    return results
