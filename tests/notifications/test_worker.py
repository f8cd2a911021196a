"""A real Celery worker delivers e-mail notifications exactly once, even when it is SIGKILLed
in the middle of a send and restarted (acks_late + reject_on_worker_lost + row lock)."""

import email
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from apps.notifications.models import Notification
from tests.factories import NotificationFactory

ROOT = Path(settings.BASE_DIR)
COUNT = 5


def _database_env() -> dict:
    """The worker connects to this test's database: host and port through libpq's PGHOST/PGPORT
    (the embedded server listens on a Unix socket, which a URL host cannot carry)."""
    db = connection.settings_dict
    return {"DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}", "PGHOST": str(db["HOST"]),
            "PGPORT": str(db["PORT"])}


def _start_worker(env):
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "tests.notifications.worker_app", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(Path(env["ROUNDS_TEST_EMAIL_DIR"]) / "worker.log", "ab"))


def _wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_every_email_is_delivered_exactly_once_across_a_worker_kill(northwind, make_user, tmp_path):
    import redis

    redis_url = os.environ["ROUNDS_TEST_REDIS_URL"]
    redis.Redis.from_url(redis_url).flushdb()
    nadia = make_user(northwind)
    notifications = [NotificationFactory(user=nadia, channel="email", title=f"Message {n}") for n in range(COUNT)]
    env = {**os.environ, "REDIS_URL": redis_url, **_database_env(),
           "DJANGO_EMAIL_BACKEND": "tests.notifications.slow_email.EmailBackend",
           "ROUNDS_TEST_EMAIL_DIR": str(tmp_path), "ROUNDS_TEST_EMAIL_DELAY": "1.0",
           "ROUNDS_TEST_VISIBILITY_TIMEOUT": "3", "PYTHONPATH": str(ROOT)}
    sender = Celery("rounds-test-sender", broker=redis_url)
    for notification in notifications:
        sender.send_task("apps.notifications.tasks.deliver_notification",
                         args=[str(northwind.pk), str(notification.pk)])

    worker = _start_worker(env)
    try:
        assert _wait_for(lambda: any(tmp_path.glob("sending-*")), 20), "the worker never started a send"
        worker.send_signal(signal.SIGKILL)  # mid-send: inside the row lock, before the mail is written
        worker.wait(timeout=10)
        worker = _start_worker(env)
        sent = lambda: Notification.objects.for_company(northwind).filter(status="sent").count() == COUNT  # noqa: E731
        assert _wait_for(sent, 40), "not every notification was delivered after the restart"
        time.sleep(1.5)  # a duplicate, if any, would land now
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    subjects = Counter(email.message_from_bytes(path.read_bytes())["Subject"] for path in tmp_path.glob("*.eml"))
    assert subjects == Counter({f"Message {n}": 1 for n in range(COUNT)})
