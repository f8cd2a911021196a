"""The access log: who opened which protected record.

A model opts in with ``access_logged = True`` (or its label in ``ACCESS_LOGGED_MODELS`` for a
model of another app). Every view and API endpoint that shows such a record calls

    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)

Entries are collected during the request (``AuditContextMiddleware``) or the Celery task
(task_prerun/task_postrun) and written in ONE bulk insert at its end — before the response
leaves, so a page whose reads could not be logged is a 500, not a silent gap. Outside both (a
shell, a management command) each call writes at once; wrap loops in ``access_log_batch()``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

from apps.audit import context
from apps.audit.models import AccessLog
from apps.core import rls
from apps.core.scoping import row_company_id

ACCESS_LOGGED_MODELS: set[str] = {
    "academics.Learner",  # the learner person page (the portfolio) is the first real reader
}


class AccessBatch:
    def __init__(self):
        self.entries: list[AccessLog] = []
        self.seen: set[tuple] = set()
        self.status_code: int | None = None

    def add(self, entry: AccessLog):
        key = (entry.actor_id, entry.action, entry.entity_type, entry.entity_id)
        if key not in self.seen:
            self.seen.add(key)
            self.entries.append(entry)

    def flush(self):
        entries, self.entries, self.seen = self.entries, [], set()
        if not entries:
            return 0
        for entry in entries:
            entry.status_code = entry.status_code or self.status_code
        # Written after the view or task, when its tenant may be unbound (a task's tenant ends in
        # task_postrun before this runs; a task may read several companies): under the bypass,
        # each entry carrying the company of the record it names (row_company_id).
        with rls.bypass("access log: each entry carries its record's company"):
            AccessLog.objects.bulk_create(entries)  # one INSERT statement
        return len(entries)


_batch: ContextVar[AccessBatch | None] = ContextVar("rounds_access_batch", default=None)


@contextmanager
def access_log_batch():
    """Collect access log entries inside this block; write them in one insert when it ends."""
    batch = AccessBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
        batch.flush()


def is_access_logged(model) -> bool:
    return bool(getattr(model, "access_logged", False)) or model._meta.label in ACCESS_LOGGED_MODELS


def access_log_record(*, actor, obj_or_queryset, action: str = AccessLog.Action.VIEW, request=None) -> int:
    """Log that ``actor`` read ``obj_or_queryset`` (one row, a list, or a queryset — pass the
    page's evaluated list to avoid a second query). Returns the number of entries."""
    if action not in AccessLog.Action.values:
        raise ValueError(f"Unknown access action {action!r}: one of {AccessLog.Action.values}")
    objs = [obj_or_queryset] if isinstance(obj_or_queryset, models.Model) else list(obj_or_queryset)
    ctx = context.from_request(request) if request is not None else context.current()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    entries = []
    for obj in objs:
        model = obj.__class__
        if not is_access_logged(model):
            raise ValueError(f"{model._meta.label} is not access-logged: set access_logged = True on the model")
        entries.append(AccessLog(
            company_id=row_company_id(obj), actor_id=actor_id, action=action,
            entity_type=model._meta.label, entity_id=str(obj.pk),
            ip_address=ctx.ip_address, user_agent=ctx.user_agent, endpoint=ctx.endpoint, method=ctx.method,
        ))
    batch = _batch.get()
    if batch is None:
        with access_log_batch() as now:
            for entry in entries:
                now.add(entry)
    else:
        for entry in entries:
            batch.add(entry)
    return len(entries)


# ---------------------------------------------------------------- Celery: one batch per task
_task_batches: dict[str, tuple] = {}


def _task_started(task_id=None, **kwargs):
    batch = AccessBatch()
    _task_batches[task_id] = (_batch.set(batch), batch)


def _task_finished(task_id=None, **kwargs):
    token, batch = _task_batches.pop(task_id, (None, None))
    if token is not None:
        try:
            _batch.reset(token)
        except ValueError:  # finished in another context than it started: just unbind
            _batch.set(None)
        batch.flush()


def connect_task_signals():
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="rounds_access_log_task_started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="rounds_access_log_task_finished")
