"""Issue 16 item 3: lab orders, results flagged from the catalog's ranges, a critical result that
notifies the ordering practitioner once and stays on their to-do until acknowledged, report files
served only through an access-checked, access-logged view, the lab technician's queue."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.audit.models import AccessLog
from apps.hospital import services
from apps.hospital.models import LabOrder, LabResult
from apps.notifications.models import Notification
from tests.hospital.factories import make_order, make_test

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "lab_reports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    from django.core.files.storage import storages

    storages._storages.pop("lab_reports", None)
    yield
    storages._storages.pop("lab_reports", None)


@pytest.fixture
def potassium(northwind):
    return make_test(northwind)


@pytest.fixture
def haemoglobin(northwind):
    return make_test(northwind, name="Haemoglobin", unit="g/L", ranges=[
        {"sex": "female", "low_normal": "120", "high_normal": "155", "low_critical": "70"},
        {"sex": "male", "low_normal": "135", "high_normal": "175", "low_critical": "70"}])


def test_priya_orders_a_stat_potassium_and_it_heads_lena_s_queue(client, doctor, labtech, hospital, patient,
                                                                 potassium, patient2):
    routine = make_order(patient2, hospital, doctor, [potassium])
    client.force_login(doctor)
    response = client.post(reverse("hospital:lab_order_new", args=[patient.pk]), {
        "site": hospital.pk, "tests": [potassium.pk], "urgency": "stat", "clinical_note": "On IV fluids",
        "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 302
    order = LabOrder.objects.for_company(hospital.company).get(patient=patient)
    client.force_login(labtech)
    queue = client.get(reverse("hospital:lab_queue", args=[hospital.pk])).content.decode()
    assert queue.index("Margaret Holloway") < queue.index(routine.patient.full_name)
    assert order.status == "requested" and order.urgency == "stat"


def test_results_are_flagged_from_the_range_for_the_patient_s_sex(labtech, doctor, hospital, patient, haemoglobin,
                                                                  potassium):
    order = make_order(patient, hospital, doctor, [haemoglobin, potassium], status="accepted")  # Margaret: female
    services.lab_results_record(actor=labtech, order=order, values={str(haemoglobin.pk): "125",
                                                                     str(potassium.pk): "3.2"})
    flags = {r.test.name: (r.flag, r.reference_text) for r in order.results.select_related("test")}
    assert flags == {"Haemoglobin": ("normal", "120–155"), "Potassium": ("low", "3.5–5")}
    order.refresh_from_db()
    assert order.status == "completed" and order.completed_at is not None


@pytest.mark.parametrize(("value", "flag"), [("2.5", "critical-low"), ("2.6", "low"), ("3.5", "normal"),
                                             ("5.0", "normal"), ("5.1", "high"), ("6.5", "critical-high")])
def test_every_edge_of_the_range(value, flag, potassium):
    rng = potassium.ranges.get()
    assert services.flag_for(Decimal(value), rng) == flag


def test_a_critical_potassium_tells_priya_once_and_stays_on_her_todo_until_she_acknowledges(
        client, doctor, labtech, hospital, patient, potassium, django_capture_on_commit_callbacks):
    order = make_order(patient, hospital, doctor, [potassium], status="accepted")
    client.force_login(labtech)
    result = order.results.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hospital:lab_order", args=[order.pk]), {f"value_{result.pk}": "6.9"})
    assert response.status_code == 302
    notes = Notification.objects.for_company(hospital.company).filter(user=doctor, kind="lab_critical")
    assert notes.count() == 2  # in-app and e-mail, once each
    assert "Potassium 6.9 mmol/L" in notes.first().title
    # the task runs again (a redelivery): nothing new
    from apps.hospital.jobs import lab_result_notify_critical

    assert lab_result_notify_critical(company_id=hospital.company_id, result_id=result.pk) == 0
    assert notes.count() == 2

    client.force_login(doctor)
    for _ in range(2):  # still there on the next visit
        home = client.get("/").content.decode()
        assert "Critical results to acknowledge" in home and "Margaret Holloway" in home
    client.post(reverse("hospital:result_acknowledge", args=[result.pk]), {"next": "home"})
    result.refresh_from_db()
    assert result.acknowledged_by == doctor
    assert "Margaret Holloway" not in client.get("/").content.decode()


def test_lena_cannot_acknowledge_a_result_she_did_not_order(client, doctor, labtech, hospital, patient, potassium):
    order = make_order(patient, hospital, doctor, [potassium], status="accepted")
    services.lab_results_record(actor=labtech, order=order, values={str(potassium.pk): "7.0"})
    client.force_login(labtech)
    response = client.post(reverse("hospital:result_acknowledge", args=[order.results.get().pk]))
    assert response.status_code == 403


def test_the_report_pdf_is_served_only_through_the_checked_and_logged_view(client, doctor, labtech, hospital, patient,
                                                                           potassium, southbay_charlie):
    order = make_order(patient, hospital, doctor, [potassium], status="accepted")
    services.lab_results_record(actor=labtech, order=order, values={str(potassium.pk): "4.1"},
                                report_file=ContentFile(PDF, name="r.pdf"))
    order.refresh_from_db()
    assert order.report_file.name and not order.report_file.name.startswith("/")
    client.force_login(doctor)
    response = client.get(reverse("hospital:lab_report", args=[order.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AccessLog.objects.for_company(hospital.company).filter(
        actor=doctor, entity_id=str(patient.pk), action="export").exists()
    client.force_login(southbay_charlie)
    assert client.get(reverse("hospital:lab_report", args=[order.pk])).status_code == 404


def test_only_a_pdf_is_accepted_as_a_report(client, doctor, labtech, hospital, patient, potassium):
    order = make_order(patient, hospital, doctor, [potassium], status="accepted")
    client.force_login(labtech)
    response = client.post(reverse("hospital:lab_order", args=[order.pk]), {
        f"value_{order.results.get().pk}": "4.0", "report": ContentFile(b"<html>", name="r.pdf")})
    assert response.status_code == 200 and "must be a PDF" in response.content.decode()
    assert order.results.get().resulted_at is None


def test_the_workflow_refuses_skipping_and_needs_reasons(doctor, labtech, hospital, patient, potassium):
    order = make_order(patient, hospital, doctor, [potassium])
    with pytest.raises(services.ValidationError):
        services.lab_results_record(actor=labtech, order=order, values={str(potassium.pk): "4"})
    with pytest.raises(services.ValidationError):
        services.lab_order_transition(actor=labtech, order=order, status="rejected")
    services.lab_order_transition(actor=labtech, order=order, status="rejected", reason="Haemolysed sample")
    order.refresh_from_db()
    assert (order.status, order.status_reason) == ("rejected", "Haemolysed sample")
    with pytest.raises(services.Conflict):
        services.lab_order_transition(actor=labtech, order=order, status="accepted")


def test_results_through_the_api_and_bad_values_are_400(client, doctor, labtech, hospital, patient, potassium):
    order = make_order(patient, hospital, doctor, [potassium], status="accepted")
    client.force_login(labtech)
    url = f"/api/hospital/lab-orders/{order.pk}/results/"
    assert client.post(url, {"values": {str(potassium.pk): "abc"}}, content_type="application/json").status_code == 400
    response = client.post(url, {"values": {str(potassium.pk): "4.4"}}, content_type="application/json")
    assert response.status_code == 200 and response.json()["results"][0]["flag"] == "normal"
    assert LabResult.objects.for_company(hospital.company).get(order=order).value == Decimal("4.4")
