"""PostgreSQL roles for row-level security (apps/core/rls.py explains the wall). Plain Python,
no Django: config/database.py uses it while settings load, to set the embedded server up."""

# owner  — owns the tables and runs migrations and `manage.py` maintenance: the embedded
#          server's `postgres`, or DATABASE_OWNER_URL's user.
# app    — `rounds_app`: what web and worker processes log in as; NOSUPERUSER, NOBYPASSRLS.
# bypass — `rounds_bypass`: NOLOGIN, BYPASSRLS, granted to the app role so that platform code
#          (`unscoped(...)`) can `SET ROLE rounds_bypass`.
APP_ROLE = "rounds_app"
BYPASS_ROLE = "rounds_bypass"


def roles_sql(app_role: str = APP_ROLE, app_password: str | None = None) -> str:
    """Idempotent SQL that creates/updates the app and bypass roles (run by a superuser)."""
    for name in (app_role, BYPASS_ROLE):
        if not name.replace("_", "").isalnum():
            raise ValueError(f"unexpected role name {name!r}")
    password = "NULL" if app_password is None else "'" + app_password.replace("'", "''") + "'"
    return f"""
DO $rls$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{BYPASS_ROLE}') THEN
    CREATE ROLE {BYPASS_ROLE} NOLOGIN BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app_role}') THEN
    CREATE ROLE {app_role} LOGIN;
  END IF;
END
$rls$;
ALTER ROLE {BYPASS_ROLE} NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
ALTER ROLE {app_role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD {password};
GRANT {BYPASS_ROLE} TO {app_role};
"""


