"""Celery for Rounds. Broker: REDIS_URL; without it tasks run eagerly (see settings).

Every task's base class is ``apps.core.outbox.OutboxTask``: a task dispatched through the
transactional outbox runs once however many copies the broker delivers (apps/core/outbox.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rounds", task_cls="apps.core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
