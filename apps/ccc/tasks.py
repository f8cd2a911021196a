"""Celery tasks of the CCC (thin: the work is in apps.ccc.jobs). Each takes the company id
explicitly; the periodic one walks every active company."""

from celery import shared_task

from apps.ccc import jobs
from apps.core import rls
from apps.tenants.selectors import active_company_ids


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_packet_pdf(company_id, job_id):
    """The PDF of every packet of a meeting; progress on the job row (and the cache, read by the
    page's poll while the task's transaction is open)."""
    return jobs.packet_pdf_build(company_id=company_id, job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_residents_of_final_reviews(company_id, meeting_id):
    return jobs.final_reviews_notify(company_id=company_id, meeting_id=meeting_id)


@shared_task(name="apps.ccc.tasks.remind_remediation_follow_ups", acks_late=True)
def remind_remediation_follow_ups():
    """Periodic (django-celery-beat, daily): remind the chair and the program's managers of
    remediation follow-ups due within a week, company by company."""
    results = {}
    for company_id in active_company_ids():
        with rls.tenant(company_id):
            results[str(company_id)] = jobs.remediation_follow_ups_remind(company_id=company_id)
    return results
