"""The Rounds Celery app, tuned so the worker test sees a SIGKILLed worker's task redelivered in
seconds rather than an hour: a short Redis visibility timeout, and kombu sweeping for expired
unacked messages every second (by default it sweeps every 10 s × 10 calls)."""

import os

from config.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": int(os.environ.get("ROUNDS_TEST_VISIBILITY_TIMEOUT", "3")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
