import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.audit.models import AccessLog
from apps.clinical.models import VitalSigns
from apps.notifications.models import Notification
from tests.clinical.factories import (
    AllergyFactory,
    CaseFactory,
    NoteFactory,
    PatientFactory,
    ProblemFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

SICK = {"rr": 25, "spo2": 91, "spo2_scale": 1, "on_oxygen": True, "sbp": 95, "dbp": 60, "pulse": 120,
        "consciousness": "A", "temp": "38.4"}


def _views(company, patient):
    return AccessLog.objects.for_company(company).filter(entity_type="clinical.Patient", entity_id=str(patient.pk))


def test_the_vitals_api_takes_the_observations_and_returns_news2(client, nurse, patient):
    client.force_login(nurse)
    response = client.post(reverse("clinical-vitals-list", args=[patient.pk]),
                           {**SICK, "weight_kg": "70", "height_cm": "175"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["news2_score"], body["news2_risk"]) == (3 + 3 + 2 + 2 + 2 + 0 + 1, "high")
    assert body["bmi"] == "22.9" and body["flags"]["pulse"] == "high" and "bmi" not in body["flags"]


def test_a_high_news2_notifies_the_responsible_nurse_and_practitioner_at_once(client, nurse, practitioner, clinic,
                                                                                 django_capture_on_commit_callbacks):
    patient = PatientFactory(home_site=clinic, primary_practitioner=practitioner, primary_nurse=nurse)
    client.force_login(nurse)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clinical-vitals-list", args=[patient.pk]), SICK, content_type="application/json")
    notified = set(Notification.objects.for_company(clinic.company).filter(kind="clinical_alert")
                   .values_list("user_id", flat=True))
    assert notified == {nurse.pk, practitioner.pk}


def test_a_low_news2_notifies_nobody(client, nurse, practitioner, clinic, django_capture_on_commit_callbacks):
    patient = PatientFactory(home_site=clinic, primary_practitioner=practitioner, primary_nurse=nurse)
    client.force_login(nurse)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clinical-vitals-list", args=[patient.pk]),
                    {**SICK, "rr": 16, "spo2": 97, "on_oxygen": False, "sbp": 120, "pulse": 80, "temp": "37.0"},
                    content_type="application/json")
    assert not Notification.objects.for_company(clinic.company).filter(kind="clinical_alert").exists()


def test_news2_is_not_computed_for_a_child(client, nurse, clinic):
    child = PatientFactory(home_site=clinic, date_of_birth=datetime.date.today() - datetime.timedelta(days=365 * 10))
    client.force_login(nurse)
    body = client.post(reverse("clinical-vitals-list", args=[child.pk]), SICK, content_type="application/json").json()
    assert body["news2_score"] is None and body["news2_risk"] == ""


def test_the_vitals_api_refuses_an_unknown_consciousness_level(client, nurse, patient):
    client.force_login(nurse)
    response = client.post(reverse("clinical-vitals-list", args=[patient.pk]), {**SICK, "consciousness": "X"},
                           content_type="application/json")
    assert response.status_code == 400 and "consciousness" in response.json()


def test_the_vitals_page_records_and_the_chart_page_draws_each_vital(client, nurse, patient, clinic):
    client.force_login(nurse)
    form = {**SICK, "on_oxygen": "on", "site": clinic.pk}
    assert client.post(reverse("clinical:vitals_new", args=[patient.pk]), form).status_code == 302
    client.post(reverse("clinical:vitals_new", args=[patient.pk]), {**form, "pulse": 80})
    page = client.get(reverse("clinical:vitals_chart", args=[patient.pk])).content.decode()
    assert page.count("<svg") >= 7 and "Pulse (/min)" in page
    vitals_page = reverse("clinical:vitals_chart", args=[patient.pk])
    assert _views(patient.company, patient).filter(endpoint=vitals_page).count() == 1


def test_reception_cannot_record_vitals(client, reception, patient):
    client.force_login(reception)
    assert client.post(reverse("clinical-vitals-list", args=[patient.pk]), SICK,
                       content_type="application/json").status_code == 403


def _fill_chart(patient, practitioner, rows):
    for index in range(rows):
        AllergyFactory(patient=patient, substance=f"Substance {index}", recorded_by=practitioner)
        ProblemFactory(patient=patient, description=f"Problem {index}", recorded_by=practitioner)
        visit = VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner),
                             practitioner=practitioner)
        NoteFactory(visit=visit)
        VitalSigns.objects.create(patient=patient, company=patient.company, site=patient.home_site,
                                  recorded_by=practitioner, pulse=70 + index, news2_score=index % 8, news2_risk="low")


@pytest.mark.parametrize("rows", [2, 20])
def test_the_chart_takes_the_same_queries_for_2_or_20_rows(client, practitioner, clinic, rows,
                                                           django_assert_num_queries):
    patient = PatientFactory(home_site=clinic)
    _fill_chart(patient, practitioner, rows)
    client.force_login(practitioner)
    url = reverse("clinical:chart", args=[patient.pk])
    client.get(url)  # the idle-timeout middleware touches a fresh session once; measure the next view
    # session, user, memberships, role codes, the patient with allergies, problems, medications, latest
    # vitals, visits and their notes (one query), the access-log row; the page shell: unread badge,
    # tenant (seven in all: one of these is no longer asked). The hospital card loads by htmx (was 17 inline).
    with django_assert_num_queries(5):
        response = client.get(url)
    body = response.content.decode()
    assert "Substance 0" in body and "Note by" in body
    assert f"Problem {rows - 1}" in body


def test_every_chart_view_leaves_an_access_log_row(client, practitioner, patient):
    client.force_login(practitioner)
    client.get(reverse("clinical:chart", args=[patient.pk]))
    client.get(reverse("clinical-patient-chart", args=[patient.pk]))
    rows = _views(patient.company, patient)
    assert rows.count() == 2 and {row.actor_id for row in rows} == {practitioner.pk}
    assert {row.endpoint for row in rows} == {reverse("clinical:chart", args=[patient.pk]),
                                              reverse("clinical-patient-chart", args=[patient.pk])}


def test_the_banner_always_shows_allergies_even_to_reception(client, reception, patient, practitioner):
    AllergyFactory(patient=patient, substance="Latex", recorded_by=practitioner)
    client.force_login(reception)
    body = client.get(reverse("clinical:chart", args=[patient.pk])).content.decode()
    assert "Latex" in body and patient.mrn in body


def test_a_wrong_allergy_is_marked_entered_in_error_not_deleted(client, nurse, patient, practitioner):
    allergy = AllergyFactory(patient=patient, substance="Peanuts", recorded_by=practitioner)
    client.force_login(nurse)
    url = reverse("clinical:record_entered_in_error", args=[patient.pk, "allergies", allergy.pk])
    client.post(url, {"reason": "Wrong patient"})
    allergy.refresh_from_db()
    assert allergy.entered_in_error and allergy.entered_in_error_by == nurse
    assert allergy.history.count() == 2
    assert "Allergies: none recorded" in client.get(reverse("clinical:chart", args=[patient.pk])).content.decode()
    listing = client.get(reverse("clinical:records", args=[patient.pk, "allergies"])).content.decode()
    assert "Peanuts" in listing and "Wrong patient" in listing


def test_a_nurse_adds_a_medication_through_the_api(client, nurse, patient):
    client.force_login(nurse)
    response = client.post(reverse("clinical-record-list", args=[patient.pk, "medications"]),
                           {"name": "Metformin", "dose": "500 mg", "frequency": "twice daily"},
                           content_type="application/json")
    assert response.status_code == 201
    chart = client.get(reverse("clinical-patient-chart", args=[patient.pk])).json()
    assert chart["medications"][0]["name"] == "Metformin"


def test_a_bmi_is_computed_from_weight_and_height():
    from apps.clinical.services.vitals import compute_bmi

    assert compute_bmi(Decimal("80"), Decimal("180")) == Decimal("24.7")
    assert compute_bmi(None, Decimal("180")) is None


@pytest.mark.parametrize(("can_read_chart", "can_read_notes"), [(True, True), (True, False), (False, False)])
def test_the_chart_query_compiled_once_reads_what_the_orm_reads(practitioner, clinic, can_read_chart, can_read_notes):
    from apps.clinical.selectors import chart as chart_selectors

    patient = PatientFactory(home_site=clinic, emergency_contacts=[{"name": "Ann", "relationship": "sister",
                                                                    "phone": "555"}])
    _fill_chart(patient, practitioner, 3)
    other = PatientFactory(home_site=clinic)
    flags = {"can_read_chart": can_read_chart, "can_read_notes": can_read_notes}
    for wanted in (patient, other, patient):  # the second time for a patient: from the compiled SQL
        orm = chart_selectors.chart_page_patients(company=clinic.company, **flags).get(pk=wanted.pk)
        compiled = chart_selectors.chart_page_patient(company=clinic.company, patient_id=wanted.pk, **flags)
        assert type(compiled) is type(orm) and compiled.__dict__.keys() == orm.__dict__.keys()
        assert {k: v for k, v in compiled.__dict__.items() if k != "_state"} == \
            {k: v for k, v in orm.__dict__.items() if k != "_state"}
        assert compiled.home_site == orm.home_site and compiled.home_site.name == orm.home_site.name
        assert chart_selectors.chart_page_context(compiled, **flags).keys() == \
            chart_selectors.chart_page_context(orm, **flags).keys()
    assert compiled.emergency_contacts[0]["name"] == "Ann"
    if can_read_notes:
        assert compiled.chart_visits[0]["notes"][0]["author_email"]


def test_the_compiled_chart_query_finds_no_patient_of_another_company_nor_a_removed_one(
        practitioner, clinic, southbay, patient):
    from apps.clinical.selectors.chart import chart_page_patient
    from apps.clinical.services.patients import patient_delete

    flags = {"can_read_chart": True, "can_read_notes": True}
    assert chart_page_patient(company=clinic.company, patient_id=patient.pk, **flags) is not None
    assert chart_page_patient(company=southbay, patient_id=patient.pk, **flags) is None
    assert chart_page_patient(company=clinic.company, patient_id="not-a-uuid", **flags) is None
    patient_delete(actor=practitioner, patient=patient, reason="Registered twice")
    assert chart_page_patient(company=clinic.company, patient_id=patient.pk, **flags) is None
