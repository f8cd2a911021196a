"""Issue 16 items 1–2: wards and beds, admissions, transfers with the bed history, discharge with a
summary that someone else must approve."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.hospital import services
from apps.hospital.models import Admission, Bed, BedAssignment, Draft
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.hospital.factories import make_admission

pytestmark = pytest.mark.django_db


def _assignment(admission, bed, start, end=None):
    return BedAssignment(admission=admission, patient=admission.patient, bed=bed, start=start, end=end,
                         assigned_by=admission.admitting_practitioner, company=admission.company)


def test_the_database_refuses_a_second_patient_in_an_occupied_bed(hospital, beds, doctor, patient, patient2):
    """Written straight with the ORM (no service): the exclusion constraint bed_one_patient_at_a_time."""
    now = timezone.now()
    first = make_admission(patient, hospital, doctor, bed=beds[0], at=now - datetime.timedelta(days=2))
    second = make_admission(patient2, hospital, doctor, at=now - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError, match="bed_one_patient_at_a_time"), transaction.atomic():
        _assignment(second, beds[0], now - datetime.timedelta(hours=3)).save()
    # after the first patient left, the bed is free again (a closed range, [start, end))
    BedAssignment.objects.for_company(first.company).filter(admission=first).update(end=now - datetime.timedelta(hours=4))
    _assignment(second, beds[0], now - datetime.timedelta(hours=4)).save()
    assert first.assignments.count() == 1


def test_the_database_refuses_one_patient_in_two_beds_at_once(hospital, beds, doctor, patient):
    admission = make_admission(patient, hospital, doctor, bed=beds[0])
    with pytest.raises(IntegrityError, match="patient_one_bed_at_a_time"), transaction.atomic():
        _assignment(admission, beds[1], timezone.now()).save()


def test_nadia_admits_margaret_into_bed_1_from_the_bed_board(client, nurse, doctor, hospital, beds, patient):
    client.force_login(nurse)
    board = client.get(reverse("hospital:bed_board", args=[hospital.pk]))
    assert board.status_code == 200 and "0/4" in board.content.decode()
    response = client.post(reverse("hospital:admit", args=[hospital.pk]), {
        "mrn": patient.mrn, "reason": "Pneumonia", "practitioner": doctor.pk, "bed": beds[0].pk,
        "idempotency_key": str(uuid.uuid4())})
    admission = Admission.objects.for_company(hospital.company).get(patient=patient)
    assert response.status_code == 302 and response["Location"] == reverse("hospital:admission", args=[admission.pk])
    beds[0].refresh_from_db()
    assert beds[0].status == Bed.Status.OCCUPIED
    board = client.get(reverse("hospital:bed_board", args=[hospital.pk])).content.decode()
    assert "Margaret Holloway" in board and "1/4" in board
    assert AuditLog.objects.for_company(hospital.company).filter(action="admission.admit").count() == 1


def test_a_double_submitted_admission_makes_one_admission(client, nurse, doctor, hospital, beds, patient):
    client.force_login(nurse)
    data = {"mrn": patient.mrn, "reason": "Pneumonia", "practitioner": doctor.pk, "bed": beds[0].pk,
            "idempotency_key": str(uuid.uuid4())}
    client.post(reverse("hospital:admit", args=[hospital.pk]), data)
    data["bed"] = beds[1].pk  # the second click after the first bed is taken: same key, same admission
    response = client.post(reverse("hospital:admit", args=[hospital.pk]), data)
    assert response.status_code == 302
    assert Admission.objects.for_company(hospital.company).filter(patient=patient).count() == 1


def test_admitting_a_patient_already_admitted_is_a_409_through_the_api(client, nurse, doctor, hospital, beds, patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(nurse)
    response = client.post("/api/hospital/admissions/", {
        "patient": str(patient.pk), "site": str(hospital.pk), "reason": "again", "practitioner": str(doctor.pk)},
        content_type="application/json")
    assert response.status_code == 409
    assert "already admitted" in response.json()["detail"]


def test_the_admitting_practitioner_must_be_able_to_prescribe_there(client, nurse, hospital, patient):
    client.force_login(nurse)
    response = client.post("/api/hospital/admissions/", {
        "patient": str(patient.pk), "site": str(hospital.pk), "reason": "x", "practitioner": str(nurse.pk)},
        content_type="application/json")
    assert response.status_code == 400 and "practitioner" in response.json()


def test_a_transfer_keeps_the_bed_history_and_sends_the_old_bed_to_cleaning(client, nurse, doctor, hospital, beds,
                                                                          patient):
    admission = make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(nurse)
    response = client.post(reverse("hospital:admission_transfer", args=[admission.pk]), {"bed": beds[1].pk})
    assert response.status_code == 302
    history = list(admission.assignments.order_by("start"))
    assert [a.bed_id for a in history] == [beds[0].pk, beds[1].pk]
    assert history[0].end is not None and history[1].end is None
    beds[0].refresh_from_db()
    beds[1].refresh_from_db()
    assert (beds[0].status, beds[1].status) == (Bed.Status.CLEANING, Bed.Status.OCCUPIED)
    page = client.get(reverse("hospital:admission", args=[admission.pk])).content.decode()
    assert beds[0].label in page and beds[1].label in page


def test_a_bed_being_cleaned_cannot_take_a_patient(nurse, doctor, hospital, beds, patient):
    services.bed_set_status(actor=nurse, bed=beds[0], status="cleaning")
    with pytest.raises(services.Conflict):
        services.admission_admit(actor=nurse, patient=patient, site=hospital, reason="x", practitioner=doctor,
                                 bed=Bed.objects.for_company(hospital.company).select_related("ward").get(pk=beds[0].pk))


def test_discharge_starts_a_draft_summary_only_another_approver_can_approve(client, nurse, doctor, doctor2, hospital,
                                                                           beds, patient):
    admission = make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(doctor)
    client.post(reverse("hospital:admission_discharge", args=[admission.pk]),
                {"disposition": "home", "summary": "Treated for pneumonia; home on oral antibiotics."})
    admission.refresh_from_db()
    draft = admission.discharge_summary
    assert admission.status == "discharged" and draft.status == Draft.Status.DRAFT and draft.author == doctor
    beds[0].refresh_from_db()
    assert beds[0].status == Bed.Status.CLEANING

    # the author cannot approve their own summary
    assert client.post(reverse("hospital:draft", args=[draft.pk]), {"decision": "approve"}).status_code == 403
    # a nurse may not approve documents (no document.approve)
    client.force_login(nurse)
    assert client.post(reverse("hospital:draft", args=[draft.pk]), {"decision": "approve"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Draft.Status.DRAFT

    client.force_login(doctor2)
    assert client.post(reverse("hospital:draft", args=[draft.pk]), {"decision": "reject"}).status_code == 200  # reason
    response = client.post(reverse("hospital:draft", args=[draft.pk]), {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.reviewer) == (Draft.Status.APPROVED, doctor2)
    assert [h.status for h in draft.history.order_by("history_date")] == ["draft", "approved"]
    # a decided draft stays decided: 409 through the API
    response = client.post(f"/api/hospital/drafts/{draft.pk}/decision/", {"decision": "reject", "reason": "late"},
                           content_type="application/json")
    assert response.status_code == 409


def test_the_database_refuses_a_self_approved_draft(hospital, doctor):
    draft = Draft.objects.create(site=hospital, author=doctor, kind="discharge_summary", title="t", body="b",
                                 company=hospital.company)
    draft.status, draft.reviewer, draft.reviewed_at = "approved", doctor, timezone.now()
    with pytest.raises(IntegrityError, match="draft_not_self_approved"), transaction.atomic():
        draft.save()


def test_charlie_from_southbay_gets_404_for_a_northwind_admission(client, southbay_charlie, hospital, doctor, patient,
                                                                  beds):
    admission = make_admission(patient, hospital, doctor, bed=beds[0])
    client.force_login(southbay_charlie)
    assert client.get(reverse("hospital:admission", args=[admission.pk])).status_code == 404
    assert client.get(reverse("hospital:bed_board", args=[hospital.pk])).status_code == 404


def test_a_patient_seen_at_two_sites_has_one_chart_showing_both(client, doctor, hospital, beds, sponsor, patient):
    """Seed 002 "global EMR": an admission at the hospital shows on the chart opened from the clinic."""
    from tests.factories import SiteFactory
    from tests.hospital.factories import make_order, make_prescription, make_test

    clinic = SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic")
    make_admission(patient, hospital, doctor, bed=beds[0])
    make_prescription(patient, clinic, doctor, medication="Lisinopril")
    order = make_order(patient, hospital, doctor, [make_test(hospital.company)])
    services.lab_order_transition(actor=doctor, order=order, status="cancelled", reason="dup")
    client.force_login(doctor)
    chart = client.get(reverse("clinical:chart", args=[patient.pk])).content.decode()
    card_url = reverse("hospital:chart_card", args=[patient.pk])
    assert "Hospital (every site)" in chart and f'hx-get="{card_url}"' in chart  # htmx loads it when revealed
    card = client.get(card_url, HTTP_HX_REQUEST="true")
    page = card.content.decode()
    assert "HX-Request" in card["Vary"] and "<html" not in page
    assert "Northwind General Hospital" in page and "Lisinopril" in page and "Harbor Street Clinic" in page
    assert "Lisinopril" in client.get(card_url).content.decode()  # without JavaScript, a page of its own


def test_other_patients_are_not_on_margarets_chart_section(client, doctor, hospital, beds, patient):
    other = PatientFactory(home_site=hospital, first_name="Otto", last_name="Other")
    make_admission(other, hospital, doctor, bed=beds[1])
    client.force_login(doctor)
    page = client.get(reverse("hospital:chart_card", args=[patient.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Pneumonia" not in page and "None." in page


def test_loading_the_hospital_card_leaves_an_access_log_row_and_other_companies_get_404(
        client, doctor, hospital, beds, patient, floor_staff, southbay_charlie):
    from apps.audit.models import AccessLog

    make_admission(patient, hospital, doctor, bed=beds[0])
    card_url = reverse("hospital:chart_card", args=[patient.pk])
    client.force_login(doctor)
    assert "Pneumonia" in client.get(card_url, HTTP_HX_REQUEST="true").content.decode()
    assert AccessLog.objects.for_company(hospital.company).filter(
        actor=doctor, entity_id=str(patient.pk), endpoint=card_url).count() == 1
    client.force_login(floor_staff(Role.RECEPTION, email="rita@northwind.example"))
    assert client.get(card_url).status_code == 403
    client.force_login(southbay_charlie)
    assert client.get(card_url).status_code == 404


def test_the_api_admits_transfers_and_discharges_with_the_same_rules(client, nurse, doctor, hospital, beds, patient):
    client.force_login(nurse)
    created = client.post("/api/hospital/admissions/", {
        "patient": str(patient.pk), "site": str(hospital.pk), "reason": "Sepsis", "practitioner": str(doctor.pk),
        "bed": str(beds[0].pk)}, content_type="application/json")
    assert created.status_code == 201, created.json()
    admission_id = created.json()["id"]
    board = client.get(f"/api/hospital/sites/{hospital.pk}/beds/").json()
    assert board["wards"][0]["beds"][0]["patient"]["mrn"] == patient.mrn
    taken = client.post(f"/api/hospital/admissions/{admission_id}/transfer/", {"bed": str(beds[0].pk)},
                        content_type="application/json")
    assert taken.status_code == 400  # already in this bed
    moved = client.post(f"/api/hospital/admissions/{admission_id}/transfer/", {"bed": str(beds[1].pk)},
                        content_type="application/json")
    assert moved.status_code == 200 and len(moved.json()["assignments"]) == 2
    done = client.post(f"/api/hospital/admissions/{admission_id}/discharge/", {"disposition": "home", "summary": "ok"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "discharged" and done.json()["discharge_summary_id"]
    again = client.post(f"/api/hospital/admissions/{admission_id}/discharge/", {"disposition": "home", "summary": "x"},
                        content_type="application/json")
    assert again.status_code == 409
