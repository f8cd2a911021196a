"""A hot read's SQL, built by the ORM once per process and run again with new values.

Django compiles a queryset to SQL on every evaluation: on the pages people wait for (the chart,
the MAR, the day view, every page's memberships) that compilation costs more CPU than
PostgreSQL spends answering. ``prepared`` keeps the ORM as the only author of the SQL — the
queryset is written as usual, tenant scope included — and reuses what it compiled:

    mar_rows = prepared(lambda company_id, ward_id: Prescription.objects.for_company(company_id)
                        .filter(bed__ward_id=ward_id).values("id", "dose", ...))
    rows = mar_rows(company_id=ward.company_id, ward_id=ward.pk)       # a list of dicts

How: the first call (for each *shape* of arguments, see below) builds the queryset with unique
stand-in values, compiles it, and records where each stand-in landed among the SQL's
parameters; later calls send the same SQL with the real values in those places, through
Django's cursor (so row-level security's tenant binding, query logging and the
``django_assert_num_queries`` pins see them), and convert the rows with the compiler's own
converters. The stand-in must reach the SQL unchanged: a value the ORM transforms (``icontains``
wraps it in ``%…%``) is refused when the query is prepared, never guessed.

Rules:
- The builder returns a ``values()`` queryset of a tenant model scoped with ``for_company`` (or
  of a shared model); an unscoped (``.unscoped()``) or unscoped-by-context queryset is refused.
  The one escape hatch is greppable, as ``scoping.unscoped``'s: ``prepared(builder,
  unscoped="why")`` compiles and runs the read inside ``unscoped(why)`` (every company's rows,
  row-level security bypassed) — for reads that learn the tenant, such as the session's user.
- Arguments are keyword-only. UUIDs, ints, strings, dates and datetimes become parameters;
  ``None``, booleans and tuples/frozensets are part of the shape (a different value compiles
  a different SQL once): pass what changes the *structure* of the query that way, or not at all.
- The builder must not read the database or the clock (it runs once per shape: a ``now()`` inside
  it would be frozen into the SQL); pass times as values.
"""

import datetime
import itertools
import random
import threading
import uuid
from collections.abc import Callable

from django.db import connections

from apps.core import scoping

_PARAMETER_TYPES = (uuid.UUID, int, str, datetime.datetime, datetime.date)
_SHAPE_TYPES = (type(None), bool, tuple, frozenset)
_counter = itertools.count(1)


class PreparedQueryError(TypeError):
    """The queryset cannot be prepared (unscoped, not values(), or a value the ORM transforms)."""


def _stand_in(value):
    """A value of the same type that no query would contain by chance."""
    n = next(_counter)
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, int):
        return 1_000_000_007 + (n * 7919 + random.randrange(7919)) % 900_000_000  # inside a 32-bit column's range
    if isinstance(value, str):
        return f"prepared-stand-in-{uuid.uuid4().hex}"
    if isinstance(value, datetime.datetime):
        return datetime.datetime(2999, 1, 1, tzinfo=value.tzinfo or datetime.UTC) + datetime.timedelta(
            microseconds=n * 7919 + random.randrange(7919))
    return datetime.date(2900, 1, 1) + datetime.timedelta(days=n % 30000)


class _Compiled:
    __slots__ = ("alias", "converters", "expressions", "names", "slots", "sql", "template")

    def __init__(self, queryset, stand_ins: dict, *, unscoped_reason: str | None = None):
        if unscoped_reason is None and (getattr(queryset, "_tenant_all", False)
                                        or not getattr(queryset, "_tenant_scoped", True)):
            raise PreparedQueryError(f"{queryset.model.__name__}: only a for_company() queryset can be prepared")
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise PreparedQueryError(f"{queryset.model.__name__}: prepare a values() queryset")
        self.alias = queryset.db
        compiler = query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        # The row's keys as ``ValuesIterable`` names them: in values()' own order when an annotation
        # is listed among the fields (``query.selected``, Django 5.2), else fields then annotations.
        self.names = (list(query.selected) if query.selected
                      else [*query.extra_select, *query.values_select, *query.annotation_select])
        fields = [selected[0] for selected in compiler.select[0:compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        by_stand_in = {value: name for name, value in stand_ins.items()}
        self.template = list(params)
        self.slots = [(position, by_stand_in[param]) for position, param in enumerate(params)
                      if _hashable(param) and param in by_stand_in]
        missing = set(stand_ins) - {name for _, name in self.slots}
        if missing:
            raise PreparedQueryError(f"{queryset.model.__name__}: {sorted(missing)} did not reach the SQL unchanged")

    def run(self, values: dict) -> list[dict]:
        params = list(self.template)
        for position, name in self.slots:
            params[position] = values[name]
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        names = self.names
        if self.converters:
            rows = [self._convert(row, connection) for row in rows]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _convert(self, row, connection):
        row = list(row)
        for position, (converters, expression) in self.converters.items():
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class prepared:  # noqa: N801 — used like a function: prepared(builder)(**values)
    """``prepared(builder)(**values)``: the rows of ``builder(**values)`` as dicts (see the module)."""

    def __init__(self, builder: Callable, *, unscoped: str | None = None):
        if unscoped is not None and not unscoped.strip():
            raise PreparedQueryError("prepared(unscoped=...): say why the read crosses tenants")
        self.builder = builder
        self.unscoped_reason = unscoped
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, **values) -> list[dict]:
        if self.unscoped_reason is None:
            return self._call(values)
        with scoping.unscoped(self.unscoped_reason):
            return self._call(values)

    def _call(self, values: dict) -> list[dict]:
        shape = []
        for name, value in sorted(values.items()):
            if isinstance(value, _SHAPE_TYPES):
                shape.append((name, value))
            elif isinstance(value, _PARAMETER_TYPES):
                shape.append((name, type(value)))
            else:
                raise PreparedQueryError(f"{name}: {type(value).__name__} is neither a parameter nor a shape value")
        key = tuple(shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    stand_ins = {name: _stand_in(value) for name, value in values.items()
                                 if not isinstance(value, _SHAPE_TYPES)}
                    compiled = _Compiled(self.builder(**{**values, **stand_ins}), stand_ins,
                                         unscoped_reason=self.unscoped_reason)
                    self._compiled[key] = compiled
        return compiled.run(values)
