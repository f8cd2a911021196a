"""Test email backend for the worker test: waits before writing, so the test can kill the
worker in the middle of a send, then writes one file per message into ROUNDS_TEST_EMAIL_DIR."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["ROUNDS_TEST_EMAIL_DIR"])
        for message in email_messages:
            (directory / f"sending-{os.getpid()}").touch()
            time.sleep(float(os.environ.get("ROUNDS_TEST_EMAIL_DELAY", "0.5")))
            (directory / f"{uuid.uuid4()}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
