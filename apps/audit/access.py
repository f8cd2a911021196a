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
from contextlib import contextmanager, nullcontext
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
_STATUS = _SHARED.index("status_code")


def _text(value):
    """A company id or a time as the JSON text PostgreSQL reads back (None stays null)."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class AccessBatch:
    """A request's (or task's) entries, kept as they will be sent: grouped by what they share
    (``_SHARED``), each entry the JSON object of what differs. An entry already added (same actor,
    action, entity type and id) is not added again. A page logs hundreds at once (``add_records``):
    their shared columns, action, type and time are looked at once, not per entry."""

    def __init__(self):
        self.groups: dict[tuple, list[dict]] = {}
        self.seen: dict[tuple, set[str]] = {}  # (actor, action, entity type) → entity ids added
        self.status_code: int | None = None

    def add(self, entry: AccessLog):
        """Add an (unsaved) ``AccessLog``."""
        self.add_row((entry.company_id, entry.actor_id, entry.action, entry.entity_type, entry.entity_id,
                      entry.ip_address, entry.user_agent, entry.endpoint, entry.method, entry.status_code,
                      entry.created_at))

    def add_row(self, row: tuple):
        """Add an entry as a tuple of ``_COLUMNS`` values."""
        self.add_records(shared=(row[1], row[5], row[6], row[7], row[8], row[9]), action=row[2], entity_type=row[3],
                         at=row[10], records=[(row[4], row[0])])

    def add_records(self, *, shared: tuple, action, entity_type, at, records) -> None:
        """Add entries that share ``shared`` (``_SHARED``'s values; a status of None is the
        response's), action, entity type and time: ``records`` are (entity id, company id) pairs."""
        seen = self.seen.setdefault((shared[0], action, entity_type), set())
        group = self.groups.setdefault(shared, [])
        at_text, companies = _text(at), {}
        for pk, company_id in records:
            entity_id = str(pk)
            if entity_id in seen:
                continue
            seen.add(entity_id)
            company = companies.get(company_id)
            if company is None:
                company = companies[company_id] = _text(company_id)
            group.append({"c": company, "a": action, "t": entity_type, "i": entity_id, "at": at_text})

    def flush(self):
        groups, self.groups, self.seen = self.groups, {}, {}
        statements: dict[tuple, list[dict]] = {}
        for shared, rows in groups.items():
            if rows:
                if shared[_STATUS] is None:
                    shared = (*shared[:_STATUS], self.status_code, *shared[_STATUS + 1:])
                statements.setdefault(shared, []).extend(rows)
        if not statements:
            return 0
        # Written after the view or task, when its tenant may be unbound (a task's tenant ends in
        # task_postrun before this runs; a task may read several companies): under the bypass,
        # each entry carrying the company of the record it names (row_company_id).
        with rls.bypass("access log: each entry carries its record's company"), \
                connections[router.db_for_write(AccessLog)].cursor() as cursor:
            for shared, rows in statements.items():  # one statement for a request's entries (they share these)
                cursor.execute(_INSERT, [*shared, json.dumps(rows)])
        return sum(len(rows) for rows in statements.values())


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
    shared = (actor_id, ctx.ip_address, ctx.user_agent, ctx.endpoint, ctx.method, None)
    now = timezone.now()
    by_label: dict[str, list] = {}
    for label, pk, company_id in rows:
        by_label.setdefault(label, []).append((pk, company_id))
    batch = _batch.get()
    with nullcontext(batch) if batch is not None else access_log_batch() as batch:
        for label, records in by_label.items():
            batch.add_records(shared=shared, action=action, entity_type=label, at=now, records=records)
    return len(rows)


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
