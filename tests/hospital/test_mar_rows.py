"""The MAR's rows written in Python (apps/hospital/templatetags/hospital_floor.py ``mar_patients``):
every value from the database escaped as autoescaping would (Django's ``escape``), each dose written
once, short, with its "Record" link's URL once (static/hospital/mar.js loads the form from its href)."""

import datetime
import uuid
import zoneinfo
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.hospital.templatetags.hospital_floor import mar_patients

HOSTILE = "<script>alert('x')</script> & \"quoted\""
ZONE = zoneinfo.ZoneInfo("America/Chicago")
START = datetime.datetime(2026, 3, 2, 7, tzinfo=ZONE)


def _dose(status, due, given=None, reason="", recorded_by=""):
    return {"dose_id": str(uuid.uuid4()), "due_s": None if due is None else int(due.timestamp()),
            "dose_status": status, "given_s": None if given is None else int(given.timestamp()), "reason": reason,
            "recorded_by": recorded_by}


def _rows(status="active", as_needed=False, doses=()):
    rx = {"id": str(uuid.uuid4()), "title": f"{HOSTILE} 5 mg tablet", "dose_text": "5 mg oral BID", "status": status,
          "as_needed": as_needed, "as_needed_condition": HOSTILE if as_needed else "", "doses": list(doses)}
    return [{"patient_id": str(uuid.uuid4()), "first_name": HOSTILE, "last_name": "O'Brien", "mrn": HOSTILE,
             "bed": HOSTILE, "prescriptions": [rx]}]


def _render(rows, can_give=True):
    ward = SimpleNamespace(pk=uuid.uuid4())
    with timezone.override(ZONE):
        return str(mar_patients({"csrf_token": "tok<en>"}, rows, ward, START, can_give))


def test_every_value_from_the_database_is_escaped_as_autoescaping_would():
    overdue = _dose("scheduled", START - datetime.timedelta(hours=1))
    held = _dose("held", START + datetime.timedelta(hours=2), reason=HOSTILE, recorded_by=HOSTILE)
    given = _dose("given", START + datetime.timedelta(hours=3), given=START + datetime.timedelta(hours=3, minutes=5),
                  recorded_by="Nadia <N>")
    prn = _dose("given", None, given=START + datetime.timedelta(hours=4), recorded_by="Nadia")
    html = _render(_rows(as_needed=True, doses=[overdue, held, given, prn]))

    assert HOSTILE not in html and "<script>" not in html
    assert f"{escape(HOSTILE)} · {escape(HOSTILE + ' O' + chr(39) + 'Brien')} <small>{escape(HOSTILE)}</small>" in html
    assert f"<h3>{escape(HOSTILE + ' 5 mg tablet')} <small>5 mg oral BID</small></h3>" in html
    assert (f'<div data-dose="{held["dose_id"]}"><b>09:00</b><span class="dose-held">Held</span> '
            f"<small>{escape(HOSTILE)} — {escape(HOSTILE)}</small></div>") in html
    assert (f'<div data-dose="{given["dose_id"]}"><b>10:00</b><span class="dose-given">Given 10:05</span> '
            f"<small>Nadia &lt;N&gt;</small></div>") in html
    assert f'<div data-dose="{prn["dose_id"]}"><b>PRN</b><span class="dose-given">Given 11:00</span>' in html
    record = reverse("hospital:dose_record", args=[overdue["dose_id"]])
    assert (f'<div data-dose="{overdue["dose_id"]}"><b>06:00</b> <strong class="flag-high">overdue</strong>'
            f'<a class="button" href="{record}" aria-label="Record the 06:00 dose">Record</a></div>') in html
    assert f'placeholder="{escape(HOSTILE)}"' in html  # the as-needed form's condition
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="tok&lt;en&gt;">' in html


def test_who_may_not_give_and_an_on_hold_prescription_see_due_without_a_link():
    due = _dose("scheduled", START + datetime.timedelta(hours=1))
    for rows, can_give in ((_rows(doses=[due]), False), (_rows(status="on-hold", doses=[due]), True)):
        html = _render(rows, can_give=can_give)
        assert f'<div data-dose="{due["dose_id"]}"><b>08:00</b>due</div>' in html
        assert "/record/" not in html and "<form" not in html


def test_each_rows_record_link_has_its_own_url_and_time():
    doses = [_dose("scheduled", START + datetime.timedelta(hours=hours)) for hours in (1, 5, 1)]
    rows = _rows(doses=doses)
    rows[0]["prescriptions"].append({**rows[0]["prescriptions"][0], "id": str(uuid.uuid4()), "doses": [
        _dose("scheduled", START + datetime.timedelta(hours=1))]})
    html = _render(rows)
    for dose in [*doses, rows[0]["prescriptions"][1]["doses"][0]]:
        assert html.count(reverse("hospital:dose_record", args=[dose["dose_id"]])) == 1
    assert html.count('aria-label="Record the 08:00 dose"') == 3 and html.count("Record the 12:00 dose") == 1
    assert html.count("<h3>") == 2  # the heading written once, used for both prescriptions


def test_a_ward_without_patients_and_a_patient_without_prescriptions():
    assert _render([]) == "<p>No patients on this ward.</p>"
    rows = _rows()
    rows[0]["prescriptions"] = []
    assert "<p>No active prescriptions.</p>" in _render(rows)
    assert "No doses due this shift." in _render(_rows())
