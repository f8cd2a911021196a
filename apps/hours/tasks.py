"""Celery tasks of clinical hours (thin: the work is in apps.hours.jobs). Each takes the company
id explicitly; the periodic ones walk every active company."""

from celery import shared_task

from apps.core import rls
from apps.hours import jobs, services
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


@shared_task(name="apps.hours.tasks.recompute_compliance", acks_late=True)
def recompute_compliance(*, company_id, learner_id):
    """Replace one resident's stored compliance findings (started on commit by every write that
    can change them: ``services.compliance_mark_stale``). The company id is explicit: a learner
    of another company is not found (``Learner.DoesNotExist``)."""
    with rls.tenant(company_id):
        return services.compliance_recompute(company_id=company_id, learner_id=learner_id)


@shared_task(name="apps.hours.tasks.recompute_program_compliance", acks_late=True)
def recompute_program_compliance(*, company_id, program_id):
    """Recompute every resident of a program (safe to run at any time, e.g. from beat)."""
    with rls.tenant(company_id):
        return services.compliance_recompute_program(company_id=company_id, program_id=program_id)
