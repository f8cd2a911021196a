"""Celery tasks of clinical hours (thin: the work is in apps.hours.jobs). Each takes the company
id explicitly; the periodic ones walk every active company."""

from celery import shared_task

from apps.core import rls
from apps.hours import jobs
from apps.tenants.selectors import active_company_ids


@shared_task(name="apps.hours.tasks.close_forgotten_clock_outs", acks_late=True)
def close_forgotten_clock_outs():
    """Periodic (django-celery-beat, every 15 minutes): close open time records past the rule."""
    return _for_each_active_company(jobs.time_records_close_forgotten)


@shared_task(name="apps.hours.tasks.notify_behind_pace", acks_late=True)
def notify_behind_pace():
    """Periodic (daily): tell coordinators and the student when a student is behind pace at
    mid-rotation (once per rotation)."""
    return _for_each_active_company(jobs.students_notify_behind_pace)


def _for_each_active_company(work):
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = work(company_id=company_id)
    return results

