import os
import socket

import pytest

from config.celery import app
from tests.factories import EPAFactory, FacultyFactory, LearnerFactory, ProgramFactory


def pytest_collection_modifyitems(config, items):
    """The Redis-down test needs Redis and a real worker: without ROUNDS_TEST_REDIS_URL it is
    deselected (not skipped) and the terminal says so (as in tests/notifications)."""
    if os.environ.get("ROUNDS_TEST_REDIS_URL"):
        return
    worker = [item for item in items if item.get_closest_marker("worker")]
    if worker:
        config.hook.pytest_deselected(items=worker)
        items[:] = [item for item in items if not item.get_closest_marker("worker")]
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"worker tests deselected: ROUNDS_TEST_REDIS_URL not set ({len(worker)} tests)")


class FakeBroker:
    """Stands in for Redis behind ``app.send_task``: records what is published, or refuses like
    a stopped Redis when ``down``."""

    def __init__(self):
        self.sent, self.down = [], False

    def send_task(self, name, args=None, kwargs=None, task_id=None, **options):
        if self.down:
            from kombu.exceptions import OperationalError

            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((name, kwargs, task_id))

    def task_ids(self, name=None):
        return [task_id for sent_name, _, task_id in self.sent if name in (None, sent_name)]


@pytest.fixture
def broker(monkeypatch):
    """Tasks go through the outbox (as with REDIS_URL), published to a FakeBroker."""
    fake = FakeBroker()
    monkeypatch.setattr(app, "send_task", fake.send_task)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield fake
    app.conf.task_always_eager = eager


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings, broker):
    """Redis is down: the broker refuses, and the cache and cached sessions point at a port
    nothing answers on (as with REDIS_URL set and Redis stopped)."""
    broker.down = True
    settings.CACHES = {"default": {"BACKEND": "apps.core.cache.ResilientRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/10"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return broker


@pytest.fixture
def ward(sponsor):
    """Northwind surgery: Faith the faculty member assesses Riley the resident."""
    program = ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")
    return {"program": program, "epa": EPAFactory(epa_set=program.epa_set, short_name="Appendicitis"),
            "riley": LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen"),
            "faith": FacultyFactory(program=program, user__first_name="Faith", user__last_name="Hall").user}
