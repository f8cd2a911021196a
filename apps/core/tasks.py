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

import contextlib
import threading

from celery import shared_task
from django.db import transaction

from apps.core.outbox import (
    outbox_message_create,
    outbox_messages_create,
    outbox_publish,
    outbox_publish_many,
    outbox_purge,
    outbox_relay,
)

_together = threading.local()  # .tasks: the (name, kwargs) dispatched inside dispatch_together()


def dispatch(task, /, **kwargs) -> None:
    """Run ``task`` with keyword arguments once the current transaction commits."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
        return
    pending = getattr(_together, "tasks", None)
    if pending is not None:
        pending.append((task.name, kwargs))
        return
    message = outbox_message_create(task_name=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_publish(message=message), robust=True)


@contextlib.contextmanager
def dispatch_together():
    """Tasks dispatched inside the block (in the caller's transaction) are written to the outbox in
    one INSERT when the block ends, and published together on commit, marked in one UPDATE (issue 19:
    the assessment submit dispatches two). An exception in the block writes none of them; nested
    blocks join the outer one."""
    if getattr(_together, "tasks", None) is not None:
        yield
        return
    _together.tasks = tasks = []
    try:
        yield
    finally:
        _together.tasks = None
    if tasks:
        messages = outbox_messages_create(tasks=tasks)
        transaction.on_commit(lambda: outbox_publish_many(messages=messages), robust=True)


@shared_task(name="apps.core.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Periodic (django-celery-beat, every 30 s): publish what a commit could not."""
    return outbox_relay()


@shared_task(name="apps.core.tasks.purge_outbox", ignore_result=True)
def purge_outbox() -> int:
    """Periodic (django-celery-beat, daily): forget long-executed messages."""
    return outbox_purge()
