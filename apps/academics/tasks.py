"""Celery tasks of academics. Each takes the company id explicitly."""

from smtplib import SMTPException

from celery import shared_task

from apps.academics.jobs import invitations_deliver


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(SMTPException, OSError),
             retry_backoff=True, max_retries=5)
def send_invitations(company_id, program_id, inviter_id, user_ids):
    """One task per batch (an Add person, a whole roster import): the invitation e-mails."""
    return invitations_deliver(company_id=company_id, program_id=program_id, inviter_id=inviter_id,
                               user_ids=user_ids)
