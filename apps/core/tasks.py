"""The one way a write starts a side effect: ``dispatch(task, **kwargs)``.

Call it inside the service's ``transaction.atomic`` block. The task is published only when the
transaction commits (never for a rolled-back write). Tasks take ``company_id`` explicitly.

    from apps.core.tasks import dispatch
    dispatch(notify_learner_of_assessment, company_id=str(a.company_id), assessment_id=str(a.pk))

(The transactional outbox that makes this survive a broker outage lives behind this function.)
"""

from django.db import transaction


def dispatch(task, /, **kwargs) -> None:
    """Publish ``task`` with keyword arguments once the current transaction commits."""
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))
