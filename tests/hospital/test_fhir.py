"""Issue 16 item 7: the hospital's FHIR resources validate with fhir.resources (R4B models, which share
R4's definitions of these resources); every read is in the access log; another company gets 404."""

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationdispense import MedicationDispense
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.servicerequest import ServiceRequest

from apps.audit.models import AccessLog
from apps.hospital import services
from tests.hospital.factories import (
    make_admission,
    make_dispense,
    make_dose,
    make_item,
    make_order,
    make_prescription,
    make_test,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(hospital, beds, doctor, nurse, labtech, pharmacist, patient):
    make_admission(patient, hospital, doctor, bed=beds[0])
    potassium = make_test(hospital.company)
    order = make_order(patient, hospital, doctor, [potassium], status="accepted", urgency="stat")
    services.lab_results_record(actor=labtech, order=order, values={str(potassium.pk): "6.8"})
    prescription = make_prescription(patient, hospital, doctor, frequency="PRN", as_needed=True)
    dose = services.dose_give_as_needed(actor=nurse, prescription=prescription, reason="pain")
    held = make_dose(make_prescription(patient, hospital, doctor, medication="Enoxaparin"))
    services.dose_record(actor=nurse, dose=held, status="held", reason="Platelets low")
    _, lot = make_item(hospital, level=50, actor=pharmacist)
    return {"order": order, "result": order.results.get(), "prescription": prescription, "dose": dose, "held": held,
            "dispense": make_dispense(prescription, lot, pharmacist), "bed": beds[0], "ward": beds[0].ward}


def _read(client, url, model):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = json.loads(response.content)
    model.model_validate(body)
    return body


def test_each_hospital_resource_validates_and_every_read_is_access_logged(client, doctor, floor, patient, hospital):
    client.force_login(doctor)
    request = _read(client, f"/fhir/ServiceRequest/{floor['order'].pk}", ServiceRequest)
    assert (request["status"], request["intent"], request["priority"]) == ("completed", "order", "stat")
    report = _read(client, f"/fhir/DiagnosticReport/{floor['order'].pk}", DiagnosticReport)
    assert report["status"] == "final" and report["result"][0]["reference"] == f"Observation/lab-{floor['result'].pk}"
    observation = _read(client, f"/fhir/Observation/lab-{floor['result'].pk}", Observation)
    assert observation["interpretation"][0]["coding"][0]["code"] == "HH"
    assert observation["valueQuantity"] == {"value": 6.8, "unit": "mmol/L"}
    assert "coding" not in observation["code"]  # no LOINC code in the catalog: none invented
    medication = _read(client, f"/fhir/MedicationRequest/{floor['prescription'].pk}", MedicationRequest)
    assert medication["dosageInstruction"][0]["asNeededCodeableConcept"] == {"text": "pain"}
    _read(client, f"/fhir/MedicationDispense/{floor['dispense'].pk}", MedicationDispense)
    given = _read(client, f"/fhir/MedicationAdministration/{floor['dose'].pk}", MedicationAdministration)
    held = _read(client, f"/fhir/MedicationAdministration/{floor['held'].pk}", MedicationAdministration)
    assert (given["status"], held["status"]) == ("completed", "not-done")
    bed = _read(client, f"/fhir/Location/{floor['bed'].pk}", Location)
    assert bed["operationalStatus"]["code"] == "O" and bed["partOf"]["reference"] == f"Location/{floor['ward'].pk}"
    _read(client, f"/fhir/Location/{floor['ward'].pk}", Location)
    logged = AccessLog.objects.for_company(hospital.company).filter(actor=doctor)
    assert logged.filter(entity_id=str(patient.pk)).count() == 7
    assert logged.filter(entity_id__in=[str(floor["bed"].pk), str(floor["ward"].pk)]).count() == 2


def test_a_scheduled_dose_is_not_an_administration_yet(client, doctor, hospital, patient):
    dose = make_dose(make_prescription(patient, hospital, doctor))
    client.force_login(doctor)
    assert client.get(f"/fhir/MedicationAdministration/{dose.pk}").status_code == 404


def test_charlie_from_southbay_gets_404_for_each(client, southbay_charlie, floor):
    client.force_login(southbay_charlie)
    for url in (f"/fhir/ServiceRequest/{floor['order'].pk}", f"/fhir/Observation/lab-{floor['result'].pk}",
                f"/fhir/MedicationRequest/{floor['prescription'].pk}", f"/fhir/Location/{floor['bed'].pk}",
                reverse("fhir-medicationdispense", args=[floor["dispense"].pk])):
        assert client.get(url).status_code == 404, url


def test_vital_sign_observations_still_route_to_clinical(client, doctor):
    client.force_login(doctor)
    response = client.get("/fhir/Observation/00000000-0000-0000-0000-000000000000-hr")
    assert response.status_code == 404
