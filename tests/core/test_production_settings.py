"""Production fails closed: `ROUNDS_PRODUCTION=1` without a database, a broker or a real secret key
refuses to start (it would otherwise start the embedded PostgreSQL, run tasks eagerly inside the
request, or sign sessions with a key anyone can read in the repository)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = secrets.token_urlsafe(64)
UNREACHABLE_DATABASE = "postgres://nobody@127.0.0.1:1/never_dialled"  # `check` does not connect
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def manage_check(**env):
    base = {key: value for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "ROUNDS_PRODUCTION"}}
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env})


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def test_production_with_nothing_set_refuses_to_start_and_names_all_three_variables():
    result = manage_check(ROUNDS_PRODUCTION="1")
    assert result.returncode != 0
    assert last_line(result).endswith(
        "ROUNDS_PRODUCTION=1 refuses to start without DATABASE_URL, REDIS_URL, "
        "DJANGO_SECRET_KEY (50+ random characters).")


def test_production_without_redis_refuses_instead_of_running_tasks_inside_the_request():
    result = manage_check(ROUNDS_PRODUCTION="1", DATABASE_URL=UNREACHABLE_DATABASE, DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert last_line(result).endswith("refuses to start without REDIS_URL.")


def test_production_without_a_database_url_refuses_instead_of_starting_the_embedded_server():
    result = manage_check(ROUNDS_PRODUCTION="1", REDIS_URL=UNREACHABLE_REDIS, DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert last_line(result).endswith("refuses to start without DATABASE_URL.")


def test_production_refuses_the_development_key_and_a_short_key():
    for key in ("rounds-insecure-development-key-change-me", "too-short-" * 4):
        result = manage_check(ROUNDS_PRODUCTION="1", DATABASE_URL=UNREACHABLE_DATABASE,
                              REDIS_URL=UNREACHABLE_REDIS, DJANGO_SECRET_KEY=key)
        assert result.returncode != 0, key
        assert last_line(result).endswith("refuses to start without DJANGO_SECRET_KEY (50+ random characters)."), key


def test_production_with_all_three_set_starts():
    result = manage_check(ROUNDS_PRODUCTION="1", DATABASE_URL=UNREACHABLE_DATABASE, REDIS_URL=UNREACHABLE_REDIS,
                          DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
