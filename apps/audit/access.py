"""The access log: who opened which protected record.

A model opts in with ``access_logged = True`` (or its label in ``ACCESS_LOGGED_MODELS`` for a
model of another app). Every view and API endpoint that shows such a record calls

    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)

Entries are collected during the request (``AuditContextMiddleware``) or the Celery task
(task_prerun/task_postrun) and written in ONE insert at its end (INSERT … SELECT FROM json_to_recordset) — before the response
leaves, so a page whose reads could not be logged is a 500, not a silent gap. Outside both (a
shell, a management command) each call writes at once; wrap loops in ``access_log_batch()``.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, models, router
from django.utils import timezone

from apps.audit import context
from apps.audit.models import AccessLog
from apps.core import rls
from apps.core.scoping import row_company_id

ACCESS_LOGGED_MODELS: set[str] = {
    "academics.Learner",  # the learner person page (the portfolio) is the first real reader
}


# The columns one entry fills, in the order of the tuples the batch keeps (no model instance per
# entry: a page listing 200 patients would spend more on building and saving them than on itself).
_COLUMNS = ("company_id", "actor_id", "action", "entity_type", "entity_id", "ip_address", "user_agent", "endpoint",
            "method", "status_code", "created_at")
# One INSERT per request: what every entry of a request shares (actor, client, endpoint, status)
# is sent once as plain parameters, and only what differs per entry (the record's company, type
# and id, the action, the time) as one JSON parameter (json.dumps is C; PostgreSQL parses five short
# fields per entry instead of eleven: a 200-patient day view's insert went from ≈6 ms to ≈2.5 ms).
_SHARED = ("actor_id", "ip_address", "user_agent", "endpoint", "method", "status_code")
_INSERT = (f'INSERT INTO "{AccessLog._meta.db_table}" ({", ".join(_COLUMNS)}) '
           "SELECT entry.c, %s::uuid, entry.a, entry.t, entry.i, %s::inet, %s::text, %s::text, %s::text, "
           "%s::smallint, entry.at FROM json_to_recordset(%s::json) AS entry(c uuid, a text, t text, i text, at timestamptz)")
_SHARED_AT = tuple(_COLUMNS.index(name) for name in _SHARED)
_STATUS = _COLUMNS.index("status_code")


class AccessBatch:
    def __init__(self):
        self.entries: list[tuple] = []
        self.seen: set[tuple] = set()
        self.status_code: int | None = None

    def add(self, entry: AccessLog):
        """Add an (unsaved) ``AccessLog``."""
        self.add_row((entry.company_id, entry.actor_id, entry.action, entry.entity_type, entry.entity_id,
                      entry.ip_address, entry.user_agent, entry.endpoint, entry.method, entry.status_code,
                      entry.created_at))

    def add_row(self, row: tuple):
        """Add an entry as a tuple of ``_COLUMNS`` values."""
        key = (row[1], row[2], row[3], row[4])  # actor, action, entity type, entity id
        if key not in self.seen:
            self.seen.add(key)
            self.entries.append(row)

    def flush(self):
        entries, self.entries, self.seen = self.entries, [], set()
        if not entries:
            return 0
        groups: dict[tuple, list] = {}
        text: dict = {None: None}  # a request's entries share a few companies and one time: each written once

        def as_text(value):
            written = text.get(value)
            if written is None and value is not None:
                written = text[value] = value.isoformat() if hasattr(value, "isoformat") else str(value)
            return written

        for entry in entries:
            shared = tuple(entry[at] for at in _SHARED_AT)
            if shared[-1] is None:
                shared = (*shared[:-1], self.status_code)
            groups.setdefault(shared, []).append({"c": as_text(entry[0]), "a": entry[2], "t": entry[3],
                                                  "i": str(entry[4]), "at": as_text(entry[10])})
        # Written after the view or task, when its tenant may be unbound (a task's tenant ends in
        # task_postrun before this runs; a task may read several companies): under the bypass,
        # each entry carrying the company of the record it names (row_company_id).
        with rls.bypass("access log: each entry carries its record's company"), \
                connections[router.db_for_write(AccessLog)].cursor() as cursor:
            for shared, rows in groups.items():  # one statement for a request's entries (they share these)
                cursor.execute(_INSERT, [*shared, json.dumps(rows)])
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
    rows = []
    for obj in objs:
        model = obj.__class__
        if not is_access_logged(model):
            raise ValueError(f"{model._meta.label} is not access-logged: set access_logged = True on the model")
        rows.append((model._meta.label, obj.pk, row_company_id(obj)))
    return _log(actor=actor, rows=rows, action=action, request=request)


def access_log_rows(*, actor, model, rows, action: str = AccessLog.Action.VIEW, request=None) -> int:
    """Like ``access_log_record`` for a page that read ``model``'s rows with ``.values()``:
    ``rows`` are ``(pk, company_id)`` pairs, one per record shown. Returns the number of entries."""
    if action not in AccessLog.Action.values:
        raise ValueError(f"Unknown access action {action!r}: one of {AccessLog.Action.values}")
    if not is_access_logged(model):
        raise ValueError(f"{model._meta.label} is not access-logged: set access_logged = True on the model")
    label = model._meta.label
    return _log(actor=actor, rows=[(label, pk, company_id) for pk, company_id in rows], action=action, request=request)


def _log(*, actor, rows, action, request) -> int:
    """Collect ``rows`` of (model label, pk, company id) in the current batch (or write them now)."""
    ctx = context.from_request(request) if request is not None else context.current()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    entries = [(company_id, actor_id, action, label, str(pk), ctx.ip_address, ctx.user_agent, ctx.endpoint,
                ctx.method, None, now) for label, pk, company_id in rows]
    batch = _batch.get()
    if batch is None:
        with access_log_batch() as now_batch:
            for entry in entries:
                now_batch.add_row(entry)
    else:
        for entry in entries:
            batch.add_row(entry)
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
