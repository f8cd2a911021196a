"""Celery tasks of the assessments context (thin: the work is in apps.assessments.jobs). Each
takes the company id explicitly; the periodic ones walk every active company."""

from celery import shared_task

from apps.assessments import jobs
from apps.core import rls
from apps.tenants.selectors import active_company_ids


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_learner_of_assessment(company_id, assessment_id):
    """Tell the learner about a new assessment (in-app and e-mail). Runs in the worker, so the
    faculty member's submit does not wait for notification rows; idempotent by key."""
    return jobs.assessment_notify_learner(company_id=company_id, assessment_id=assessment_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_assessor_of_request(company_id, request_id, kind, key):
    return jobs.request_notify_assessor(company_id=company_id, request_id=request_id, kind=kind, key=key)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_learner_of_request(company_id, request_id, kind, key):
    """Tell the learner what became of their request (declined)."""
    return jobs.request_notify_learner(company_id=company_id, request_id=request_id, kind=kind, key=key)


# The periodic tasks keep the names their django-celery-beat rows have used since they lived in
# apps/notifications/tasks.py: task names stay stable when code moves.
@shared_task(name="apps.notifications.tasks.send_assessment_reminders", acks_late=True)
def send_assessment_reminders():
    """Periodic (django-celery-beat): remind assessors of open requests, company by company."""
    return _for_each_active_company(jobs.assessment_request_remind_due)


@shared_task(name="apps.notifications.tasks.expire_assessment_requests", acks_late=True)
def expire_assessment_requests():
    """Periodic (django-celery-beat): expire open requests past their expiry, company by company."""
    return _for_each_active_company(jobs.assessment_request_expire_due)


def _for_each_active_company(work):
    """{company id: work(company_id=…)}, each run as that company (row-level security)."""
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = work(company_id=company_id)
    return results
