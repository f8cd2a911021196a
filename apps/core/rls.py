"""Row-level security: the second tenant wall, inside PostgreSQL.

The first wall is the fail-closed ``TenantQuerySet`` (apps/core/scoping.py). This one holds
where code forgets it (a raw query, a join from a shared parent, an aggregate):

- **Roles** (config/database.py): the *owner* owns the tables and runs ``manage.py``
  maintenance; the *app role* ``rounds_app`` (no BYPASSRLS, not the owner) serves web and
  worker processes; ``rounds_bypass`` (NOLOGIN, BYPASSRLS) is granted to the app role, which
  switches to it only for platform code.
- **Policies** (``rls_apply`` below, run on every ``post_migrate``): every table with a
  ``company_id`` column gets ``ENABLE ROW LEVEL SECURITY`` and the policy ``tenant_isolation``:
  ``company_id = <current tenant>``. Shared-or-private reference rows (case types, feedback
  tags) also show ``company_id IS NULL``; other nullable columns (audit log, users) may be
  *written* with NULL (a platform event, a superuser) but read only under the bypass.
- **The tenant of each query**: one context variable holds a frame — a request, an explicit
  tenant (Celery tasks, ``tenant(company_id)``), or the bypass (``bypass(reason)``, and
  ``unscoped(...)`` / ``.unscoped()`` in scoping.py). Before each query, the database backend
  (apps/core/postgresql_rls) compares the wanted (role, company) with what the session last
  got and, only when they differ, runs one ``SELECT set_config(...)``. A request's tenant is
  its user's company, read when the query runs (so it follows a sign-in, DRF token auth, a
  sign-out); superusers run under the bypass; no user → no tenant → no rows.

The GUC ``rounds.company_id`` is not a secret: SQL injection could set it. RLS guards against
*forgotten* filters, not against arbitrary SQL.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from apps.core.db_roles import APP_ROLE, BYPASS_ROLE

logger = logging.getLogger(__name__)

GUC = "rounds.company_id"
POLICY = "tenant_isolation"
_CURRENT_TENANT = f"nullif(current_setting('{GUC}', true), '')::uuid"

# The frame of the running code: None (nothing bound: no tenant), ("bypass", reason),
# ("tenant", company_id) or ("request", request).
_frame: ContextVar[tuple | None] = ContextVar("rounds_rls_frame", default=None)

NO_TENANT = ("none", "")
BYPASS = (BYPASS_ROLE, "")
_SYNC_SQL = "SELECT set_config('role', %s, false), set_config('rounds.company_id', %s, false)"


# --- Binding a tenant -----------------------------------------------------------------------
@contextmanager
def bypass(reason: str):
    """Run the block under the ``rounds_bypass`` role (every company's rows). Platform code
    only; ``unscoped(reason)`` in scoping.py calls this, so both say why."""
    token = _frame.set(("bypass", reason))
    try:
        yield
    finally:
        _frame.reset(token)


@contextmanager
def tenant(company_id):
    """Run the block as one company (Celery tasks, anonymous flows that learn the company from a
    signed token). ``None`` binds no tenant: no rows."""
    token = _frame.set(None if company_id is None else ("tenant", str(getattr(company_id, "pk", company_id))))
    try:
        yield
    finally:
        _frame.reset(token)


def wanted_state() -> tuple[str, str]:
    """(role, company id) the next query must run with."""
    frame = _frame.get()
    if frame is None:
        return NO_TENANT
    kind, value = frame
    if kind == "bypass":
        return BYPASS
    if kind == "tenant":
        return ("none", value)
    return _request_state(value)


def _request_state(request) -> tuple[str, str]:
    from django.utils.functional import SimpleLazyObject, empty

    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            return NO_TENANT  # not loaded yet (the session lookup itself runs under the bypass)
        user = user._wrapped
    if user is None or not user.is_authenticated:
        company_id = request.__dict__.get("rls_company_id")  # see set_request_tenant
        return ("none", company_id) if company_id else NO_TENANT
    if user.is_superuser:
        return BYPASS  # the platform: admin and reference curation, which read every tenant
    return ("none", str(user.company_id)) if user.company_id else NO_TENANT


def set_request_tenant(request, company_id) -> None:
    """An anonymous request that has learned its company from a signed token (a password-reset
    or invitation link, a signed assessment link) runs as that company from here on."""
    request.rls_company_id = str(company_id) if company_id else None


def request_middleware(get_response):
    """Outermost middleware: binds the request, so every query in it runs as its user's company.
    At the end the connection is put back to "no tenant" (see ``reset_connection``)."""

    def middleware(request):
        token = _frame.set(("request", request))
        try:
            return get_response(request)
        finally:
            _frame.reset(token)
            reset_connections()

    return middleware


# --- Reaching PostgreSQL (used by apps/core/postgresql_rls) ----------------------------------
def sync_before_query(execute, sql, params, many, context):
    """Execute wrapper: bring the session's role and tenant in line with the running code."""
    connection = context["connection"]
    if (connection.settings_dict.get("ROUNDS_RLS") and not connection.needs_rollback
            and not (isinstance(sql, str) and sql.startswith("ROLLBACK"))):  # a set_config before ROLLBACK TO SAVEPOINT is undone
        state = wanted_state()
        if connection.rls_state != state:
            # Its own client cursor: the query's cursor may be a server-side (named) one.
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(_SYNC_SQL, state)
            connection.rls_state = state
    return execute(sql, params, many, context)


def reset_connections(**kwargs) -> None:
    """Put every open app connection back to "no tenant" (end of request / task), so a kept-alive
    connection never starts the next unit of work with the last one's tenant."""
    from django.db import DatabaseError, connections

    for connection in connections.all(initialized_only=True):
        if (connection.settings_dict.get("ROUNDS_RLS") and connection.connection is not None
                and connection.rls_state != NO_TENANT and not connection.needs_rollback):
            try:
                with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                    cursor.execute(_SYNC_SQL, NO_TENANT)
                connection.rls_state = NO_TENANT
            except DatabaseError:
                logger.exception("row-level security: could not reset the connection; closing it")
                connection.close()  # a connection that may still carry a tenant is not reused


def check_app_login(connection) -> None:
    """Refuse an app connection that logs in as a role that RLS does not bind."""
    from django.core.exceptions import ImproperlyConfigured

    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        user, escapes = cursor.fetchone()
    if escapes:
        raise ImproperlyConfigured(
            f"The app connection logs in as {user!r}, a superuser or BYPASSRLS role, so row-level "
            f"security would bind nothing. Point DATABASE_URL at the app role ({APP_ROLE}) and "
            "DATABASE_OWNER_URL at the owner; `manage.py rls_setup_roles` creates the roles (README).")


# --- Celery: a task runs as the company named in its company_id argument ---------------------
_task_tokens: dict[str, object] = {}


def task_prerun(task_id=None, task=None, args=None, kwargs=None, **_):
    company_id = (kwargs or {}).get("company_id")
    if company_id is None and args:
        import inspect

        try:
            company_id = inspect.signature(task.run).bind_partial(*args).arguments.get("company_id")
        except TypeError:
            company_id = None
    _task_tokens[task_id] = _frame.set(("tenant", str(company_id)) if company_id else None)


def task_postrun(task_id=None, **_):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _frame.reset(token)
    reset_connections()


# --- Policies, generated from the database after every migrate -------------------------------
def tenant_tables(connection) -> dict[str, str]:
    """Every table in the schema with a company_id column → its kind of policy: "shared"
    (NULL rows are shared reference rows), "append" (any row may be written, the tenant's read),
    "nullable" (NULL may be written, not read) or "strict"."""
    shared = _shared_when_null_tables()
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, a.attnotnull FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE a.attname = 'company_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
              AND n.nspname = current_schema()
            ORDER BY 1""")
        rows = cursor.fetchall()
    anywhere = _written_anywhere_tables()
    return {name: "shared" if name in shared else "append" if name in anywhere else "strict" if not_null
            else "nullable" for name, not_null in rows}


# Tables that platform code appends to for any company before a tenant is bound (a failed
# sign-in or lockout is audited under the account's company): any row may be written, only the
# tenant's own rows read.
WRITTEN_BEFORE_A_TENANT_IS_KNOWN = {"audit.AuditLog"}


def _written_anywhere_tables() -> set[str]:
    from django.apps import apps

    return {apps.get_model(label)._meta.db_table for label in WRITTEN_BEFORE_A_TENANT_IS_KNOWN}


def _shared_when_null_tables() -> set[str]:
    """Tables whose company-NULL rows are shared reference rows: models built on
    SharedOrPrivateModel (case types, feedback tags) and their history tables."""
    from django.apps import apps

    shared = set()
    for model in apps.get_models():
        source = getattr(model, "instance_type", model)  # a simple-history model → its model
        if any(base.__name__ == "SharedOrPrivateModel" for base in source.__mro__):
            shared.add(model._meta.db_table)
    return shared


def policy_sql(kind: str) -> tuple[str, str]:
    """(USING, WITH CHECK) of the tenant_isolation policy for a kind of table (``tenant_tables``)."""
    own = f"company_id = {_CURRENT_TENANT}"
    if kind == "shared":
        return f"company_id IS NULL OR {own}", f"company_id IS NULL OR {own}"
    if kind == "append":
        return own, "true"
    if kind == "nullable":
        # NULL company (a platform event in the audit log, a superuser, a history row) may be
        # written by anyone but read only under the bypass.
        return own, f"company_id IS NULL OR {own}"
    return own, own


def rls_apply(connection) -> list[str]:
    """Grants for the app and bypass roles, and RLS + the policy on every tenant table.
    Idempotent; run by the owner (post_migrate). Returns the tenant tables."""
    from django.conf import settings
    from psycopg import sql as q

    tables = tenant_tables(connection)
    app_role = settings.ROUNDS_DATABASE_APP.get("USER") or APP_ROLE
    roles = q.SQL(", ").join([q.Identifier(app_role), q.Identifier(BYPASS_ROLE)])
    with connection.cursor() as cursor:
        for statement in (
            "GRANT USAGE ON SCHEMA public TO {roles}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {roles}",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {roles}",  # setval after imports
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {roles}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {roles}",
        ):
            cursor.execute(q.SQL(statement).format(roles=roles))
        # Materialized views (analytics) cannot carry policies; the app refreshes them (PG 17+
        # MAINTAIN; the refresh query runs as their owner) and reads them filtered by company.
        cursor.execute("SELECT matviewname FROM pg_matviews WHERE schemaname = current_schema()")
        matviews = [name for (name,) in cursor.fetchall()]
        for name in matviews:
            if connection.pg_version >= 170000:
                cursor.execute(q.SQL("GRANT MAINTAIN ON {} TO {}").format(q.Identifier(name), roles))
            else:
                cursor.execute(q.SQL("ALTER MATERIALIZED VIEW {} OWNER TO {}").format(
                    q.Identifier(name), q.Identifier(app_role)))
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = %s AND schemaname = current_schema()",
                       [POLICY])
        has_policy = {name for (name,) in cursor.fetchall()}
        for table, kind in tables.items():
            using, check = policy_sql(kind)
            verb = "ALTER" if table in has_policy else "CREATE"
            cursor.execute(q.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(q.Identifier(table)))
            cursor.execute(q.SQL(verb + " POLICY {} ON {} USING (" + using + ") WITH CHECK (" + check + ")").format(
                q.Identifier(POLICY), q.Identifier(table)))
    return list(tables)


def post_migrate(sender, using="default", **kwargs):
    """Apply the grants and policies once per migrate (on the last app's signal)."""
    from django.apps import apps
    from django.db import connections

    if kwargs.get("plan") is None:
        return  # `flush` (test teardown) re-sends post_migrate; the policies are still there
    if sender.label != [config for config in apps.get_app_configs() if config.models_module][-1].label:
        return
    connection = connections[using]
    if connection.settings_dict.get("ROUNDS_RLS"):
        raise RuntimeError("migrate ran as the app role; it must run as the owner (manage.py / DATABASE_OWNER_URL)")
    tables = rls_apply(connection)
    logger.info("row-level security: %d tenant tables", len(tables))


# --- Switching a process's connection between the app role and the owner ---------------------
def use_owner_login(alias: str = "default") -> None:
    """Maintenance inside a non-manage.py process (the test database setup, the benchmark's
    seeding): the connection logs in as the owner from now on."""
    _switch_login(alias, owner=True)


def use_app_login(alias: str = "default") -> None:
    _switch_login(alias, owner=False)


def _switch_login(alias: str, *, owner: bool) -> None:
    from django.conf import settings
    from django.db import connections

    connection = connections[alias]
    connection.close()
    source = settings.ROUNDS_DATABASE_OWNER if owner else settings.ROUNDS_DATABASE_APP
    for key in ("USER", "PASSWORD", "HOST", "PORT"):
        connection.settings_dict[key] = source.get(key, "")
    connection.settings_dict["ROUNDS_RLS"] = not owner
