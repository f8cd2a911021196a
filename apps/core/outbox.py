"""The transactional outbox behind ``apps.core.tasks.dispatch``.

    dispatch(task, **kwargs)       inside the service's transaction: INSERT an OutboxMessage row
      → on commit                  outbox_publish: send it to the broker with task_id = row id,
                                   mark it published; a broker error is logged, never raised
      → OutboxTask (worker)        runs the task once: SELECT … FOR UPDATE the row, skip it when
                                   executed_at is set, else run and set executed_at in the SAME
                                   transaction as the task's own writes
    outbox_relay (beat, 30 s, and ``manage.py outbox_relay``) publishes rows the commit could not
    (broker down, process killed between COMMIT and publish); outbox_purge drops old rows.

A message can reach the worker more than once (relay after a lost publish confirmation, Redis
redelivery after a lost ack); OutboxTask makes the second copy a no-op. Every Celery task of
Rounds uses OutboxTask (``task_cls`` in config/celery.py); a task that was not dispatched through
the outbox (beat, eager mode) has no row and runs as a plain Celery task.
"""

import contextlib
import logging
import uuid
from datetime import timedelta

from celery import Task
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core import rls

logger = logging.getLogger(__name__)

RELAY_BATCH = 500
RELAY_MIN_AGE_SECONDS = 10  # younger rows are still being published by their own commit
KEEP_EXECUTED_DAYS = 7
KEEP_FAILED_DAYS = 30
DATABASE_RETRIES = 12  # 5 s doubling to 5 min: rides out about half an hour of PostgreSQL outage
# One quick retry (it also re-opens a pooled connection the broker closed); the relay does the rest.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _celery_app():
    """The project's Celery app (config/celery.py), found through Celery rather than imported:
    apps never import config."""
    from celery import current_app

    return current_app._get_current_object()


def _message_id(task_id) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(task_id))
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ writes
def _infrastructure():
    """The outbox is infrastructure across tenants (the relay and the purge see every company's
    rows; a message may have no company): its own rows are read and written under the RLS bypass.
    The task body itself runs as its tenant (apps/core/rls.py binds ``company_id``)."""
    return rls.bypass("outbox: infrastructure rows of every tenant")


def outbox_message_create(*, task_name: str, kwargs: dict):
    """Record a task in the current transaction. ``kwargs`` must be JSON (pass ids as str)."""
    from apps.core.models import OutboxMessage

    with _infrastructure():
        return OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs, company_id=kwargs.get("company_id"))


def _send(message) -> None:
    _celery_app().send_task(message.task_name, kwargs=message.kwargs, task_id=str(message.pk), retry=True,
                            retry_policy=PUBLISH_RETRY_POLICY)


def _error_text(exc) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def outbox_messages_create(*, tasks: list[tuple[str, dict]]) -> list:
    """Record several tasks in the current transaction with one INSERT (``tasks``: (name, kwargs))."""
    from apps.core.models import OutboxMessage

    with _infrastructure():
        return OutboxMessage.objects.bulk_create([
            OutboxMessage(task_name=task_name, kwargs=kwargs, company_id=kwargs.get("company_id"))
            for task_name, kwargs in tasks])


def _outbox_publish(*, message) -> bool:
    return _outbox_publish_many(messages=[message]) == 1


def _outbox_publish_many(*, messages) -> int:
    """Publish committed messages now (the on-commit step), then mark those the broker took in one
    statement. Never raises: the write that dispatched them is committed whatever happens here, and
    the relay retries what fails. Returns how many were published."""
    from apps.core.models import OutboxMessage

    sent = []
    for message in messages:
        try:
            _send(message)
        except Exception as exc:  # the broker is down or refused: the row waits for the relay
            logger.warning("outbox: could not publish %s %s (%s); the relay will retry", message.task_name,
                           message.pk, _error_text(exc))
            try:
                OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1,
                                                                   last_error=_error_text(exc))
            except Exception:  # the database may be gone too; the row is there already
                logger.warning("outbox: could not record the failed publish of %s", message.pk, exc_info=True)
        else:
            sent.append(message.pk)
    if not sent:
        return 0
    try:
        # SKIP LOCKED: a worker may already be running a task (it holds the row lock and sets
        # published_at itself); the request must not wait for it. One statement (its own
        # transaction) for every message, not BEGIN/SELECT … FOR UPDATE/UPDATE/COMMIT each: a
        # request that dispatched two tasks spends 1 round trip here instead of 8 (issue 19).
        table = connection.ops.quote_name(OutboxMessage._meta.db_table)
        # inside an outer transaction (a test running on-commit callbacks) a savepoint keeps a failure local
        guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
        with guard, connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET published_at = %s, attempts = attempts + 1, last_error = '' "
                f"WHERE id IN (SELECT id FROM {table} WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED)",
                [timezone.now(), sent])
    except Exception:  # unmarked: the relay publishes a second copy, OutboxTask skips it
        logger.warning("outbox: published %s but could not mark them", sent, exc_info=True)
    return len(sent)


def _outbox_relay(*, batch_size: int = RELAY_BATCH, min_age_seconds: float = RELAY_MIN_AGE_SECONDS) -> int:
    """Publish messages that are neither published nor executed and older than
    ``min_age_seconds``, oldest first. Stops at the first broker error (it is down: the next run
    retries). Concurrent relays skip each other's rows. Returns how many were published."""
    from apps.core.models import OutboxMessage

    if _celery_app().conf.task_always_eager:
        raise RuntimeError("no broker (REDIS_URL is not set): tasks run at commit, there is nothing to relay")
    published = 0
    with transaction.atomic():
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(published_at__isnull=True, executed_at__isnull=True,
                    created_at__lte=timezone.now() - timedelta(seconds=min_age_seconds))
            .order_by("created_at")[:batch_size])
        for message in waiting:
            try:
                _send(message)
            except Exception as exc:
                logger.warning("outbox relay: broker unavailable (%s); %d message(s) wait", _error_text(exc),
                               len(waiting) - published)
                OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1,
                                                                   last_error=_error_text(exc))
                break
            OutboxMessage.objects.filter(pk=message.pk).update(published_at=timezone.now(),
                                                               attempts=F("attempts") + 1, last_error="")
            published += 1
    return published


def _outbox_purge(*, now=None) -> int:
    """Delete messages executed more than KEEP_EXECUTED_DAYS ago, and messages published but
    never executed (the task failed for good) after KEEP_FAILED_DAYS."""
    from apps.core.models import OutboxMessage

    now = now or timezone.now()
    deleted, _ = OutboxMessage.objects.filter(
        Q(executed_at__lt=now - timedelta(days=KEEP_EXECUTED_DAYS))
        | Q(executed_at__isnull=True, published_at__lt=now - timedelta(days=KEEP_FAILED_DAYS))).delete()
    return deleted


def outbox_publish(*, message) -> bool:
    with _infrastructure():
        return _outbox_publish(message=message)


def outbox_publish_many(*, messages) -> int:
    with _infrastructure():
        return _outbox_publish_many(messages=messages)


def outbox_relay(**kwargs) -> int:
    with _infrastructure():
        return _outbox_relay(**kwargs)


def outbox_purge(**kwargs) -> int:
    with _infrastructure():
        return _outbox_purge(**kwargs)


# ------------------------------------------------------------------ execution
class OutboxTask(Task):
    """Celery base task for Rounds (``task_cls``): a message dispatched through the outbox runs
    once, whatever the number of copies the broker delivers.

    The task body runs inside ``transaction.atomic`` with the outbox row locked; ``executed_at``
    commits with the task's own writes. A copy arriving later (or waiting on the lock) sees
    ``executed_at`` and returns without running. A failure or retry rolls back, so the row stays
    unexecuted and the retry (same task id) runs it. Tasks without a row run unchanged.

    Every task (outbox or not) that hits a database connection error in the worker is retried
    later rather than acked and lost."""

    def __call__(self, *args, **kwargs):
        try:
            return self._run_once(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            # PostgreSQL unreachable (restart, failover) or a serialization failure: nothing was
            # committed, so try again later instead of acking a lost task. Eager runs raise.
            if self.request.is_eager or self.request.called_directly:
                raise
            retries = self.request.retries
            logger.warning("outbox: %s %s hit a database error (%s); retry %d", self.name, self.request.id,
                           _error_text(exc), retries + 1)
            raise self.retry(exc=exc, countdown=min(5 * 2 ** retries, 300), max_retries=DATABASE_RETRIES)

    def _run_once(self, *args, **kwargs):
        from apps.core.models import OutboxMessage

        message_id = _message_id(self.request.id)
        with _infrastructure():
            has_row = message_id is not None and OutboxMessage.objects.filter(pk=message_id).exists()
        if not has_row:
            return super().__call__(*args, **kwargs)
        with transaction.atomic():
            with _infrastructure():
                row = OutboxMessage.objects.select_for_update().get(pk=message_id)
            if row.executed_at is not None:
                logger.info("outbox: %s %s already executed at %s; skipped", self.name, message_id, row.executed_at)
                return None
            result = super().__call__(*args, **kwargs)
            now = timezone.now()
            with _infrastructure():
                OutboxMessage.objects.filter(pk=message_id).update(
                    executed_at=now, published_at=row.published_at or now, last_error="")
        return result

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """A task that failed for good keeps its row (unexecuted) with the error, for the admin."""
        from apps.core.models import OutboxMessage

        message_id = _message_id(task_id)
        if message_id is not None:
            try:
                with _infrastructure():
                    OutboxMessage.objects.filter(pk=message_id, executed_at__isnull=True).update(
                        last_error=_error_text(exc))
            except Exception:  # reporting a failure must not fail the worker
                logger.warning("outbox: could not record the failure of %s", task_id, exc_info=True)
        super().on_failure(exc, task_id, args, kwargs, einfo)
