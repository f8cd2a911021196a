"""Celery tasks of the assessments context. Each takes the company id explicitly."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def notify_learner_of_assessment(company_id, assessment_id):
    """Tell the learner about a new assessment (in-app and e-mail). Runs in the worker, so the
    faculty member's submit does not wait for notification rows; idempotent by key."""
    from apps.assessments.services import assessment_notify_learner

    return assessment_notify_learner(company_id=company_id, assessment_id=assessment_id)
