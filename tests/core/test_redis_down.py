"""Redis stopped under a running server (gunicorn) and a real Celery worker, both on a PRIVATE
redis-server: signed-in Faith keeps working and submits an assessment (302, saved); Redis comes
back; the outbox relay publishes the waiting task; Riley's notification and its e-mail arrive
exactly once, and a second copy of the same message changes nothing."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from apps.core.models import OutboxMessage
from apps.notifications.models import Notification
from tests.core.conftest import closed_port
from tests.factories.tenants import PASSWORD

ROOT = Path(settings.BASE_DIR)
NOTIFY = "apps.assessments.tasks.notify_learner_of_assessment"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _wait_for(condition, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


class PrivateRedis:
    """A redis-server of our own on a free port, without persistence: stopping it loses whatever
    it held, as a crash would."""

    def __init__(self, directory):
        self.port, self.directory, self.process = closed_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert _wait_for(self.answers, 10), "the private redis-server did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.answers()

    def answers(self):
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def done_with(self, task_id):
        """The worker took the message and acknowledged it (neither queued nor unacked)."""
        import redis

        client = redis.Redis.from_url(self.url)
        held = client.lrange("celery", 0, -1) + client.hvals("unacked")
        return not any(task_id.encode() in message for message in held)


def _database_env() -> dict:
    """Subprocesses use this test's database (libpq's PGHOST/PGPORT: the embedded server listens
    on a Unix socket, which a URL host cannot carry) — as tests/notifications/test_worker.py."""
    from django.conf import settings

    db = connection.settings_dict
    owner = settings.ROUNDS_DATABASE_OWNER["USER"]  # manage.py commands (the relay) log in as the owner
    return {"DATABASE_URL": f"postgres://{db['USER']}@/{db['NAME']}",
            "DATABASE_OWNER_URL": f"postgres://{owner}@/{db['NAME']}", "PGHOST": str(db["HOST"]),
            "PGPORT": str(db["PORT"])}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that shows redirects instead of following them."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            return error.code, error.headers, error.read().decode()
        except urllib.error.URLError as error:  # not listening (yet)
            return None, None, str(error)

    def csrf(self, path):
        status, _, html = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _submit(browser, ward):
    token = browser.csrf("/assessments/new/")
    status, headers, _ = browser.request("/assessments/new/", {
        "csrfmiddlewaretoken": token, "submission_key": str(uuid.uuid4()), "learner": ward["riley"].pk,
        "epa": ward["epa"].pk, "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat()})
    assert status == 302, status
    assessment_id = re.search(r"/assessments/([0-9a-f-]{36})/", headers["Location"]).group(1)
    return EPAAssessment.objects.for_company(ward["program"].company).get(pk=assessment_id)


def _delivered(ward, assessment, mail_dir):
    """(Riley's notifications about this assessment, by status; e-mails that link to it)."""
    notifications = Notification.objects.for_company(ward["program"].company).filter(
        user=ward["riley"].user, idempotency_key__startswith=f"assessment:{assessment.pk}:")
    mails = [p for p in mail_dir.glob("*.eml") if str(assessment.pk) in p.read_text()]
    return sorted(notifications.values_list("channel", "status")), len(mails)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_redis_stops_faith_submits_redis_returns_and_riley_is_notified_exactly_once(ward, tmp_path):
    hasher = PBKDF2PasswordHasher()  # the server checks passwords with the production hashers
    ward["faith"].password = hasher.encode(PASSWORD, hasher.salt())
    ward["faith"].save(update_fields=["password"])
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    web_port = closed_port()
    env = {**os.environ, **_database_env(), "REDIS_URL": redis_server.url, "PYTHONPATH": str(ROOT),
           "DJANGO_EMAIL_BACKEND": "tests.notifications.slow_email.EmailBackend",
           "ROUNDS_TEST_EMAIL_DIR": str(mail_dir), "ROUNDS_TEST_EMAIL_DELAY": "0"}
    log = open(tmp_path / "processes.log", "ab")
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=log)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
         "--workers", "1", "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=log)
    relay = [str(ROOT / ".venv/bin/python"), "manage.py", "outbox_relay", "--min-age", "0"]
    try:
        faith = Browser(f"http://127.0.0.1:{web_port}")
        assert _wait_for(lambda: faith.request("/accounts/login/")[0] == 200, 60, step=0.5), "no server"
        status, headers, _ = faith.request("/accounts/login/", {
            "csrfmiddlewaretoken": faith.csrf("/accounts/login/"), "username": ward["faith"].email,
            "password": PASSWORD})
        assert status == 302 and headers["Location"] == "/", "Faith signs in while Redis is up"

        redis_server.stop()
        assert Browser(faith.base).request("/accounts/login/")[0] == 200, "the login page answers"
        assert faith.request("/")[0] == 200, "Faith is still signed in (her session is in PostgreSQL)"
        started = time.monotonic()
        during = _submit(faith, ward)
        assert time.monotonic() - started < 15, "a stopped broker must not hold the request"
        assert faith.request(f"/assessments/{during.pk}/")[0] == 200
        waiting = OutboxMessage.objects.get(task_name=NOTIFY, kwargs__assessment_id=str(during.pk))
        assert waiting.published_at is None and waiting.last_error, "the task waits in PostgreSQL"
        assert _delivered(ward, during, mail_dir) == ([], 0)

        redis_server.start()
        published = subprocess.run(relay, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        # Two waited: Riley's notification and the analytics refresh the submit asked for.
        assert "published 2" in published.stdout, published.stdout + published.stderr
        both_sent = ([("email", "sent"), ("in_app", "sent")], 1)
        assert _wait_for(lambda: _delivered(ward, during, mail_dir) == both_sent, 60), (
            _delivered(ward, during, mail_dir), (tmp_path / "processes.log").read_text()[-3000:])

        after = _submit(faith, ward)  # the server's broker connection recovers by itself
        assert _wait_for(lambda: _delivered(ward, after, mail_dir) == both_sent, 60)
        assert OutboxMessage.objects.get(kwargs__assessment_id=str(after.pk)).attempts == 1, "published at commit"

        # A second copy of the relayed message (say the relay's confirmation was lost) is a no-op.
        Celery("rounds-test-sender", broker=redis_server.url).send_task(
            NOTIFY, kwargs=waiting.kwargs, task_id=str(waiting.pk))
        assert _wait_for(lambda: redis_server.done_with(str(waiting.pk)), 30), "the worker took the copy"
        time.sleep(1.0)  # a duplicate, if any, would be written now
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            process.wait(timeout=20)
        if redis_server.process.poll() is None:
            redis_server.stop()
        log.close()
    assert _delivered(ward, during, mail_dir) == both_sent
    assert _delivered(ward, after, mail_dir) == both_sent
    assert len(list(mail_dir.glob("*.eml"))) == 2
    assert OutboxMessage.objects.count() == 8, "notify twice, refresh analytics twice, deliver twice each"
    assert not OutboxMessage.objects.filter(Q(published_at=None) | Q(executed_at=None)).exists(), (
        "every message was published and ran")
