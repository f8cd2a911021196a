"""The one idempotency mechanism: the row a write creates carries the caller's key in a unique
column (``submission_key``, ``idempotency_key``…), and ``replay_or_create`` either finds the row
a first call made or creates it — a double-submitted form, a retried API call or a redelivered
task creates one row. The unique constraint settles races: the loser gets the winner's row."""

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction


class IdempotencyKeyError(ValueError):
    """The key is not a key (forms and API send a UUID)."""


def idempotency_key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as error:
        raise IdempotencyKeyError(str(value)) from error


def replay_or_create(queryset, *, key_field: str, key, create: Callable, look_first: bool = True):
    """(row, created). ``queryset`` is where the caller may find its own rows (tenant-scoped);
    ``create()`` writes the row with ``key`` in ``key_field`` (and whatever goes with it) and
    returns it; it runs in a savepoint, so a lost race leaves the caller's transaction usable.
    ``key=None`` means the caller gave no key: always create. ``look_first=False``: the caller has
    just looked the key up itself; a duplicate is still caught (the unique key, then a read)."""
    if key is not None and look_first:
        existing = queryset.filter(**{key_field: key}).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        existing = queryset.filter(**{key_field: key}).first() if key is not None else None
        if existing is None:
            raise
        return existing, False
