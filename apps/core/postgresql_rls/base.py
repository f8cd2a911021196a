"""Django's PostgreSQL backend, plus what row-level security needs from a connection
(apps/core/rls.py):

- before each query, ``rls.sync_before_query`` sets the session's role and ``rounds.company_id``
  when the running code wants a different tenant than the session last got (``rls_state``);
- a new app connection is checked (not a superuser / BYPASSRLS role) and starts as "no tenant";
- a rollback forgets ``rls_state``: PostgreSQL undoes a ``set_config`` made inside a rolled-back
  transaction or savepoint, so the next query sets it again.
"""

from django.db.backends.postgresql import base

from apps.core import rls


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rls_state = None  # (role, company id) the session has; None = unknown
        self.execute_wrappers.append(rls.sync_before_query)

    def init_connection_state(self):
        super().init_connection_state()
        self.rls_state = None
        if self.settings_dict.get("ROUNDS_RLS"):
            rls.check_app_login(self)
            self.rls_state = rls.NO_TENANT  # a fresh session: login role, no rounds.company_id

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self.rls_state = None

    def _savepoint_rollback(self, sid):
        try:
            super()._savepoint_rollback(sid)
        finally:
            self.rls_state = None
