"""The one way a write starts a side effect: ``dispatch(task, **kwargs)``.

Call it inside the service's ``transaction.atomic`` block. The task is published only when the
transaction commits (never for a rolled-back write). Tasks take ``company_id`` explicitly and
every keyword argument must be JSON (pass ids as ``str``).

    from apps.core.tasks import dispatch
    dispatch(notify_learner_of_assessment, company_id=str(a.company_id), assessment_id=str(a.pk))

With a broker (REDIS_URL) the task is first written to the transactional outbox
(``apps/core/outbox.py``): it survives a broker outage and runs once. Without one (eager mode:
the demo, the tests) it runs in-process when the transaction commits.
"""

from celery import shared_task
from django.db import transaction

from apps.core.outbox import outbox_message_create, outbox_publish, outbox_purge, outbox_relay


def dispatch(task, /, **kwargs) -> None:
    """Run ``task`` with keyword arguments once the current transaction commits."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
        return
    message = outbox_message_create(task_name=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_publish(message=message), robust=True)


@shared_task(name="apps.core.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Periodic (django-celery-beat, every 30 s): publish what a commit could not."""
    return outbox_relay()


@shared_task(name="apps.core.tasks.purge_outbox", ignore_result=True)
def purge_outbox() -> int:
    """Periodic (django-celery-beat, daily): forget long-executed messages."""
    return outbox_purge()
