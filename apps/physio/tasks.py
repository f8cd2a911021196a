"""Celery tasks of physio: thin, each takes the company id explicitly (apps.physio.jobs does the work)."""

from celery import shared_task

from apps.physio import jobs

RETRY = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (OSError,), "retry_backoff": True,
         "max_retries": 5}


@shared_task(name="apps.physio.tasks.send_prom_link", **RETRY)
def send_prom_link(company_id, instance_id):
    return jobs.prom_link_deliver(company_id=company_id, instance_id=instance_id)


@shared_task(name="apps.physio.tasks.send_intake_link", **RETRY)
def send_intake_link(company_id, intake_id):
    return jobs.intake_link_deliver(company_id=company_id, intake_id=intake_id)


@shared_task(name="apps.physio.tasks.notify_prom_flag", **RETRY)
def notify_prom_flag(company_id, flag_id):
    return jobs.prom_flag_notify(company_id=company_id, flag_id=flag_id)
