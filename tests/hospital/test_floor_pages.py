"""The bed board and the MAR as pages (issue 16): what each shows to whom, that every patient shown is
in the access log, and that the pages' rows (``.values()``, written in Python) are the API's rows."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.audit.models import AccessLog
from apps.hospital import selectors
from apps.hospital.models import Bed, Dose
from tests.hospital.factories import make_admission, make_dose, make_prescription, make_ward

pytestmark = pytest.mark.django_db


def _current_shift(site):
    now = timezone.localtime(timezone.now(), timezone=zoneinfo.ZoneInfo(site.time_zone))
    shift = "day" if 7 <= now.hour < 19 else "night"
    day = now.date() if now.hour >= 7 else now.date() - datetime.timedelta(days=1)
    return day, shift


def _listed(company, actor):
    return set(AccessLog.objects.for_company(company).filter(actor=actor, action=AccessLog.Action.LIST,
                                                             entity_type="clinical.Patient")
               .values_list("entity_id", flat=True))


def test_the_bed_board_shows_who_is_in_each_bed_and_logs_each_patient_once(client, nurse, doctor, hospital, beds,
                                                                          patient, patient2):
    make_admission(patient, hospital, doctor, bed=beds[0])
    patient2.first_name = "<b>Walter</b>"
    patient2.save()
    admission2 = make_admission(patient2, hospital, doctor, bed=beds[1])
    Bed.objects.for_company(hospital.company).filter(pk=beds[2].pk).update(status=Bed.Status.CLEANING)
    make_ward(hospital, name="Ward 9Z", beds=0)
    client.force_login(nurse)

    page = client.get(reverse("hospital:bed_board", args=[hospital.pk])).content.decode()

    assert page.count("bed bed-occupied") == 2 and "2/4</strong> occupied" in page and "1 cleaning" in page
    assert "Margaret Holloway" in page and patient.mrn in page
    assert f'href="{reverse("hospital:admission", args=[admission2.pk])}"' in page
    assert "&lt;b&gt;Walter&lt;/b&gt; Brennan" in page and "<b>Walter</b>" not in page  # escaped
    # a free bed: its status and, for a nurse (admission.manage), the form with that status selected
    assert f'action="{reverse("hospital:bed_status", args=[beds[2].pk])}"' in page
    assert '<option value="cleaning" selected>Cleaning</option>' in page
    assert page.count('<select id="st-') == 2  # the two free beds
    assert "Ward 9Z" in page and "0/0</strong>" in page  # a ward without beds is still on the board
    assert _listed(hospital.company, nurse) == {str(patient.pk), str(patient2.pk)}


def test_a_pharmacist_reads_the_bed_board_without_the_status_forms(client, pharmacist, doctor, hospital, beds,
                                                                  patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(pharmacist)
    page = client.get(reverse("hospital:bed_board", args=[hospital.pk])).content.decode()
    assert "Margaret Holloway" in page and "Available" in page and '<select id="st-' not in page


@pytest.fixture
def mar_ward(hospital, doctor, nurse, ward, beds, patient, patient2):
    """Margaret: an active and an on-hold prescription and an as-needed one, doses scheduled, given (by
    Nadia), held with a reason; Walter in the next bed with nothing prescribed."""
    day, shift = _current_shift(hospital)
    start, end = selectors.shift_window(site=hospital, day=day, shift=shift)
    make_admission(patient, hospital, doctor, bed=beds[0])
    make_admission(patient2, hospital, doctor, bed=beds[1])
    active = make_prescription(patient, hospital, doctor, medication="Amoxicillin", frequency="TID")
    on_hold = make_prescription(patient, hospital, doctor, medication="Warfarin", frequency="daily", status="on-hold")
    prn = make_prescription(patient, hospital, doctor, medication="Morphine", frequency="PRN", as_needed=True)
    due = make_dose(active, due_at=start + datetime.timedelta(hours=1))
    given_at = start + datetime.timedelta(minutes=5)
    given = make_dose(active, due_at=start + datetime.timedelta(minutes=1), status=Dose.Status.GIVEN,
                      given_at=given_at, blocks_until=given_at + datetime.timedelta(hours=5), recorded_by=nurse)
    held = make_dose(active, due_at=start + datetime.timedelta(hours=2), status=Dose.Status.HELD, reason="NBM <surgery>",
                     recorded_by=nurse)
    waiting = make_dose(on_hold, due_at=start + datetime.timedelta(hours=3))
    later = make_dose(active, due_at=end + datetime.timedelta(hours=1))  # the next shift's
    url = reverse("hospital:mar", args=[ward.pk]) + f"?day={day.isoformat()}&shift={shift}"
    return {"url": url, "due": due, "given": given, "held": held, "waiting": waiting, "later": later, "prn": prn,
            "start": start, "end": end}


def test_the_mar_shows_each_dose_and_what_became_of_it(client, nurse, hospital, ward, patient, patient2, mar_ward):
    client.force_login(nurse)
    page = client.get(mar_ward["url"]).content.decode()
    local = zoneinfo.ZoneInfo(hospital.time_zone)

    assert page.count('class="card mar-patient"') == 2 and "No active prescriptions." in page  # Walter
    assert "Amoxicillin 500 mg tablet <small>500 mg oral TID</small>" in page
    assert "Warfarin 500 mg tablet <small>500 mg oral daily — On hold</small>" in page
    due = mar_ward["due"]
    assert f'action="{reverse("hospital:dose_record", args=[due.pk])}"' in page
    assert f'Dose at {due.due_at.astimezone(local):%H:%M}</label>' in page
    assert f'<span class="dose-given">Given {mar_ward["given"].given_at.astimezone(local):%H:%M}</span>' in page
    assert f"<small>{escape(str(nurse))} — NBM" in page  # who recorded it
    assert "Held</span>" in page and "— NBM &lt;surgery&gt;" in page
    assert f'data-dose="{mar_ward["waiting"].pk}"><span class="due">' in page  # on hold: shown as due, no form
    assert reverse("hospital:dose_record", args=[mar_ward["waiting"].pk]) not in page
    assert f'data-dose="{mar_ward["later"].pk}"' not in page
    assert f'action="{reverse("hospital:prn_give", args=[mar_ward["prn"].pk])}"' in page and 'placeholder="pain"' in page
    assert f'<input type="hidden" name="ward" value="{ward.pk}">' in page
    assert _listed(hospital.company, nurse) == {str(patient.pk), str(patient2.pk)}


def test_a_pharmacist_reads_the_mar_without_the_record_forms(client, pharmacist, hospital, mar_ward):
    client.force_login(pharmacist)
    page = client.get(mar_ward["url"]).content.decode()
    assert "Amoxicillin" in page and f'data-dose="{mar_ward["due"].pk}"' in page
    assert "/record/" not in page and 'name="ward"' not in page and "Give PRN dose" not in page


def test_the_pages_rows_are_the_apis_rows(hospital, ward, mar_ward):
    """The pages read ``.values()`` rows (``*_page`` selectors), the API model rows: the same patients,
    prescriptions and doses in the same order."""
    api = selectors.ward_mar(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    page = selectors.ward_mar_page(ward=ward, start=mar_ward["start"], end=mar_ward["end"])
    assert [(r["patient"].pk, [(rx.pk, [d.pk for d in rx.window]) for rx in r["prescriptions"]]) for r in api] == [
        (r["patient_id"], [(rx["id"], [d["id"] for d in rx["doses"]]) for rx in r["prescriptions"]]) for r in page]
    board = selectors.bed_board(site=hospital)
    assert [(w["ward"].pk, [(row["bed"].pk, row["assignment"] and row["assignment"].patient_id) for row in w["beds"]])
            for w in board] == [(w["id"], [(bed_id, stay and stay["patient_id"]) for bed_id, _l, _s, stay in w["beds"]])
                                for w in selectors.bed_board_page(site=hospital)]

