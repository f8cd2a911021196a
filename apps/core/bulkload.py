"""Bulk loading of synthetic data (seed_scale): indexes and constraints built after the load.

Inserting millions of rows into a table with its indexes and foreign keys costs a random b-tree
insert per index per row and a trigger event per foreign key per row. ``indexes_deferred`` drops a
set of tables' indexes, primary/unique/exclusion constraints and foreign keys (outgoing and
incoming), lets the caller load, then puts every one back exactly as it was (the definitions are read
from the catalog first): indexes and keys are built by a sort, foreign keys are added ``NOT VALID``
and then ``VALIDATE``d (one anti-join per key instead of a trigger per row), so every constraint is
checked again before the caller's transaction commits. Row-level-security policies, check
constraints, NOT NULL and triggers are not touched. Platform maintenance only: the tables are locked
(ACCESS EXCLUSIVE) until the transaction ends. Only the tables' owner may drop their indexes: for any
other role (the app role, as in tests) the load simply runs with the indexes in place.
"""

from contextlib import contextmanager

from django.db import connection


def _definitions(cursor, tables):
    cursor.execute(
        "SELECT c.conname, c.conrelid::regclass::text, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype IN ('p', 'u', 'x', 'f') "
        "AND (c.conrelid = ANY(%(t)s::regclass[]) OR c.confrelid = ANY(%(t)s::regclass[]))", {"t": tables})
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%(t)s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p','u','x'))",
        {"t": tables})
    return constraints, cursor.fetchall()


@contextmanager
def indexes_deferred(tables: list[str], *, log=None):
    """Drop the tables' indexes and keys around a bulk load; rebuild and validate them after.
    Runs in the caller's transaction (a failure rolls the drops back too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
                       "WHERE oid = ANY(%s::regclass[])", [tables])
        if not cursor.fetchone()[0]:  # not the tables' owner (the app role, as in tests): load as they are
            yield
            return
        constraints, indexes = _definitions(cursor, tables)
        # foreign keys first (incoming ones depend on the primary keys), then keys, then indexes
        order = {"f": 0, "x": 1, "u": 1, "p": 2}
        seen = set()
        for name, table, _kind, _ in sorted(constraints, key=lambda c: order[c[2]]):
            if (table, name) not in seen:
                seen.add((table, name))
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        done = set()
        for name, table, kind, definition in sorted(constraints, key=lambda c: -order[c[2]]):
            if (table, name) in done:
                continue
            done.add((table, name))
            if kind == "f":
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
            else:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, table, kind, _ in constraints:
            if kind == "f":
                cursor.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
        if log:
            log(f"rebuilt {len(indexes)} indexes and {len(done)} keys on {', '.join(tables)}")
