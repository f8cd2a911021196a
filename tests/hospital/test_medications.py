"""Issue 16 item 4: prescriptions with the allergy warning, dispensing from stock, the MAR with doses
scheduled from the frequency, and a second dose inside its interval refused."""

import datetime
import uuid
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.hospital import frequencies, services
from apps.hospital.models import Dose, Prescription
from tests.clinical.factories import AllergyFactory
from tests.hospital.factories import make_admission, make_dose, make_item, make_prescription

pytestmark = pytest.mark.django_db

FORM = {"medication": "Penicillin V", "strength": "250 mg", "form": "tablet", "dose": "500", "dose_unit": "mg",
        "route": "oral", "frequency": "QID", "duration_days": "5", "refills": "0"}


def test_an_allergy_on_the_chart_warns_priya_and_her_acknowledgement_is_audited(client, doctor, hospital, patient):
    AllergyFactory(patient=patient, substance="Penicillin", reaction="Hives")
    client.force_login(doctor)
    url = reverse("hospital:prescription_new", args=[patient.pk])
    key = str(uuid.uuid4())
    response = client.post(url, {**FORM, "site": hospital.pk, "idempotency_key": key})
    body = response.content.decode()
    assert response.status_code == 200 and "Allergy warning" in body and "Penicillin (Hives)" in body
    assert not Prescription.objects.for_company(hospital.company).exists()

    response = client.post(url, {**FORM, "site": hospital.pk, "idempotency_key": key, "acknowledge_allergy": "on"})
    assert response.status_code == 302
    prescription = Prescription.objects.for_company(hospital.company).get()
    assert prescription.allergy_warning == "Penicillin"
    row = AuditLog.objects.for_company(hospital.company).get(action="prescription.acknowledge_allergy")
    assert row.actor == doctor and row.changes["allergies"] == ["Penicillin"]


def test_an_allergy_entered_in_error_or_another_substance_does_not_warn(doctor, hospital, patient):
    AllergyFactory(patient=patient, substance="Latex")
    AllergyFactory(patient=patient, substance="Paracetamol", entered_in_error_at=timezone.now())
    prescription = services.prescription_create(actor=doctor, patient=patient, site=hospital, data={
        **FORM, "medication": "Paracetamol", "dose": 1000})
    assert prescription.allergy_warning == ""


def test_bid_schedules_two_doses_a_day_at_the_ward_times(doctor, hospital, patient):
    zone = zoneinfo.ZoneInfo(hospital.time_zone)
    start = datetime.datetime(2026, 11, 20, 7, 0, tzinfo=zone)
    due = frequencies.due_times("BID", start=start, end=start + datetime.timedelta(days=2), tz=hospital.time_zone)
    assert [d.astimezone(zone).strftime("%d %H:%M") for d in due] == ["20 09:00", "20 21:00", "21 09:00", "21 21:00"]
    assert frequencies.due_times("PRN", start=start, end=start + datetime.timedelta(days=2), tz=hospital.time_zone) == []
    prescription = services.prescription_create(actor=doctor, patient=patient, site=hospital, data={
        **FORM, "medication": "Metformin", "frequency": "BID", "duration_days": 2,
        "start_at": timezone.now()})
    assert 3 <= Dose.objects.for_company(hospital.company).filter(prescription=prescription).count() <= 4


@pytest.fixture
def on_the_ward(hospital, beds, doctor, patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    prescription = make_prescription(patient, hospital, doctor, frequency="BID")
    now = timezone.now()
    return prescription, make_dose(prescription, due_at=now - datetime.timedelta(hours=1)), \
        make_dose(prescription, due_at=now + datetime.timedelta(hours=3))


def test_nadia_records_a_dose_from_the_mar_and_a_second_one_inside_the_interval_is_refused(client, nurse, ward,
                                                                                            on_the_ward):
    prescription, first, second = on_the_ward
    client.force_login(nurse)
    mar = client.get(reverse("hospital:mar", args=[ward.pk]), {"day": "", "shift": ""})
    assert mar.status_code == 200
    response = client.post(reverse("hospital:dose_record", args=[first.pk]), {"status": "given", "ward": ward.pk})
    # back to the MAR at her patient's card (the card's heading is #p-<patient id>), not the top of the ward
    assert response.status_code == 302
    assert response["Location"] == f'{reverse("hospital:mar", args=[ward.pk])}#p-{prescription.patient_id}'
    assert f'id="p-{prescription.patient_id}"' in mar.content.decode()
    first.refresh_from_db()
    assert first.status == "given" and first.recorded_by == nurse

    # the 21:00 dose, given now (minutes after the first): refused, service and API say why
    response = client.post(f"/api/hospital/doses/{second.pk}/", {"status": "given"}, content_type="application/json")
    assert response.status_code == 409 and "already given" in response.json()["detail"]
    second.refresh_from_db()
    assert second.status == "scheduled"
    # held with a reason is fine
    assert client.post(f"/api/hospital/doses/{second.pk}/", {"status": "held", "reason": "NBM"},
                       content_type="application/json").status_code == 200
    # and the same dose cannot be recorded twice
    assert client.post(f"/api/hospital/doses/{second.pk}/", {"status": "missed"},
                       content_type="application/json").status_code == 409


def test_the_database_refuses_a_double_administration_the_service_did_not_see(nurse, on_the_ward):
    prescription, first, second = on_the_ward
    services.dose_record(actor=nurse, dose=first, status="given")
    second.status, second.given_at = "given", timezone.now()
    second.blocks_until = second.given_at + datetime.timedelta(hours=11)
    with pytest.raises(IntegrityError, match="dose_not_given_twice_in_interval"), transaction.atomic():
        second.save()


def test_an_as_needed_dose_waits_for_its_minimum_gap(nurse, hospital, doctor, patient):
    prescription = make_prescription(patient, hospital, doctor, frequency="PRN", as_needed=True)
    services.dose_give_as_needed(actor=nurse, prescription=prescription, reason="pain",
                                 at=timezone.now() - datetime.timedelta(hours=5))
    services.dose_give_as_needed(actor=nurse, prescription=prescription, reason="pain")  # 5 h later: fine
    with pytest.raises(services.Conflict):
        services.dose_give_as_needed(actor=nurse, prescription=prescription, reason="pain")


def test_held_and_refused_need_a_reason_and_a_pharmacist_cannot_give(nurse, pharmacist, on_the_ward):
    prescription, first, _ = on_the_ward
    with pytest.raises(services.ValidationError):
        services.dose_record(actor=nurse, dose=first, status="refused")
    with pytest.raises(services.PermissionDenied):
        services.dose_record(actor=pharmacist, dose=first, status="given")


def test_tomas_dispenses_from_a_lot_and_the_stock_goes_down(client, pharmacist, doctor, hospital, patient):
    item, lot = make_item(hospital, level=30, actor=pharmacist)
    prescription = make_prescription(patient, hospital, doctor)
    client.force_login(pharmacist)
    key = str(uuid.uuid4())
    for _ in range(2):  # double submit: one dispense
        response = client.post(reverse("hospital:prescription", args=[prescription.pk]),
                               {"lot": lot.pk, "quantity": "10", "idempotency_key": key})
        assert response.status_code == 302
    item.refresh_from_db()
    lot.refresh_from_db()
    assert (item.level, lot.level) == (20, 20)
    assert prescription.dispenses.count() == 1
    response = client.post(f"/api/hospital/prescriptions/{prescription.pk}/dispenses/",
                           {"lot": str(lot.pk), "quantity": "25"}, content_type="application/json")
    assert response.status_code == 409 and "Only 20" in response.json()["detail"]


def test_a_stopped_prescription_needs_a_reason_and_leaves_the_mar(client, doctor, ward, nurse, on_the_ward):
    prescription, first, _ = on_the_ward
    client.force_login(doctor)
    client.post(reverse("hospital:prescription_status", args=[prescription.pk]), {"status": "stopped"})
    prescription.refresh_from_db()
    assert prescription.status == "active"
    client.post(reverse("hospital:prescription_status", args=[prescription.pk]),
                {"status": "stopped", "reason": "Course complete"})
    prescription.refresh_from_db()
    assert prescription.status == "stopped"
    with pytest.raises(services.ValidationError):
        services.dose_record(actor=nurse, dose=first, status="given")


def test_a_dose_the_last_shift_did_not_record_stays_on_the_mar_as_overdue(client, nurse, ward, hospital, beds, doctor,
                                                                          patient):
    from apps.hospital import selectors

    make_admission(patient, hospital, doctor, bed=beds[0])
    prescription = make_prescription(patient, hospital, doctor, medication="Furosemide", frequency="BID")
    start, _ = selectors.shift_window(site=hospital, day=timezone.localdate(), shift="day")
    make_dose(prescription, due_at=start - datetime.timedelta(hours=1))  # 06:00, the night shift's
    given = make_dose(prescription, due_at=start - datetime.timedelta(hours=2), status="missed")
    client.force_login(nurse)
    page = client.get(reverse("hospital:mar", args=[ward.pk]),
                      {"day": timezone.localdate().isoformat(), "shift": "day"}).content.decode()
    assert "Furosemide" in page and "overdue" in page
    assert f'data-dose="{given.pk}"' not in page  # recorded last shift: not carried over


def test_a_chicago_wards_mar_shows_due_times_as_its_own_clocks_do(client, nurse, ward, hospital, beds, doctor,
                                                                   patient):
    """The server's default zone is New York; a hospital in Chicago sees 14:00, not 15:00."""
    from apps.hospital import selectors

    hospital.time_zone = "America/Chicago"
    hospital.save()
    make_admission(patient, hospital, doctor, bed=beds[0])
    prescription = make_prescription(patient, hospital, doctor, medication="Furosemide", frequency="BID")
    day = datetime.date(2026, 11, 25)
    start, _ = selectors.shift_window(site=hospital, day=day, shift="day")
    due = datetime.datetime(2026, 11, 25, 14, 0, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))
    dose = make_dose(prescription, due_at=due)
    client.force_login(nurse)
    page = client.get(reverse("hospital:mar", args=[ward.pk]), {"day": day.isoformat(), "shift": "day"}).content.decode()
    assert start.astimezone(zoneinfo.ZoneInfo("America/Chicago")).hour == 7  # the day shift starts at 07:00 there
    row = page[page.index(f'data-dose="{dose.pk}"') - 400:page.index(f'data-dose="{dose.pk}"') + 400]
    assert "14:00" in row and "15:00" not in row
    form = client.get(reverse("hospital:dose_record", args=[dose.pk])).content.decode()
    assert "Dose at 14:00" in form
