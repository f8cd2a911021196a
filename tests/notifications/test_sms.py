"""Texts to patients go through one backend interface; tests read them from the outbox."""

import json

import pytest

from apps.notifications import sms


def test_a_text_lands_in_the_test_outbox(sms_outbox):
    assert sms.sms_send(to="+1 (555) 010-0199", body="Your appointment is tomorrow at 09:00") == 1
    assert [(m.to, m.body) for m in sms_outbox] == [("+1 (555) 010-0199", "Your appointment is tomorrow at 09:00")]


@pytest.mark.parametrize("number", ["", "call me", "12", "+1 555 0100 <script>"])
def test_a_number_no_text_can_reach_is_refused_before_the_backend(number, sms_outbox):
    with pytest.raises(ValueError, match="is not a phone number"):
        sms.sms_send(to=number, body="x")
    assert sms_outbox == []


def test_the_file_backend_appends_one_json_line_per_text(settings, tmp_path):
    settings.ROUNDS_SMS_BACKEND = "apps.notifications.sms.FileBackend"
    settings.ROUNDS_SMS_FILE_PATH = str(tmp_path / "sms.log")
    sms.sms_send(to="+44 20 7946 0000", body="first")
    sms.sms_send(to="+44 20 7946 0000", body="second")
    lines = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert [line["body"] for line in lines] == ["first", "second"]
    assert lines[0]["to"] == "+44 20 7946 0000" and lines[0]["sender"] == "Rounds"


def test_the_console_backend_prints_the_text(settings, capsys):
    settings.ROUNDS_SMS_BACKEND = "apps.notifications.sms.ConsoleBackend"
    sms.sms_send(to="+15550100", body="Reminder")
    assert "SMS to +15550100" in capsys.readouterr().out
