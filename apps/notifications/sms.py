"""Text messages (SMS) through a pluggable channel backend, like Django's e-mail backends.

Rounds sends texts to patients (appointment reminders, PROM and intake links), who are not always
users, so this is a plain "send this body to this number" interface; the caller keeps its own
exactly-once record (an idempotency key on its reminder or link row) and calls ``sms_send`` inside a
task. ``ROUNDS_SMS_BACKEND`` picks the backend:

- ``apps.notifications.sms.ConsoleBackend`` (default): prints the message (the demo).
- ``apps.notifications.sms.FileBackend``: appends one JSON line per message to
  ``ROUNDS_SMS_FILE_PATH`` (default ``var/sms.log``).
- ``apps.notifications.sms.LocmemBackend``: keeps messages in ``sms.outbox`` (tests).

A provider (Twilio, MessageBird, AWS SNS…) is a class with ``send_messages(messages) -> int`` that
raises ``SmsError`` on a failure worth retrying; point ``ROUNDS_SMS_BACKEND`` at it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[SmsMessage] = []

_E164ISH = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,30}$")


class SmsError(Exception):
    """A provider refused or failed; the task may retry."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str = ""


class BaseBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send_messages(self, messages):
        for message in messages:
            sys.stdout.write(f"SMS to {message.to} from {message.sender or '-'}:\n{message.body}\n{'-' * 60}\n")
        sys.stdout.flush()
        return len(messages)


class FileBackend(BaseBackend):
    def send_messages(self, messages):
        path = Path(getattr(settings, "ROUNDS_SMS_FILE_PATH", "") or settings.VAR_DIR / "sms.log")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            for message in messages:
                handle.write(json.dumps({**asdict(message), "at": timezone.now().isoformat()}) + "\n")
        return len(messages)


class LocmemBackend(BaseBackend):
    def send_messages(self, messages):
        outbox.extend(messages)
        return len(messages)


def is_plausible_number(number: str) -> bool:
    """Digits with the usual separators, optionally a leading +; providers validate the rest."""
    return bool(_E164ISH.match((number or "").strip()))


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "ROUNDS_SMS_BACKEND", "apps.notifications.sms.ConsoleBackend"))()


def sms_send(*, to: str, body: str) -> int:
    """Send one text. Returns 1 when the backend accepted it; raises SmsError or ValueError."""
    if not is_plausible_number(to):
        raise ValueError(f"“{to}” is not a phone number a text can go to.")
    sender = getattr(settings, "ROUNDS_SMS_SENDER", "")
    return get_backend().send_messages([SmsMessage(to=to.strip(), body=body, sender=sender)])
