"""The FHIR read API: each resource validates with fhir.resources (its R4B models: version 8.x of
the package ships no plain-R4 module; R4B shares R4's definitions of these resources), and every
read leaves an access-log row."""

from decimal import Decimal

import pytest
from django.urls import reverse
from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from apps.audit.models import AccessLog
from apps.clinical.models import VitalSigns
from tests.clinical.factories import AllergyFactory, CaseFactory, ProblemFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(patient, practitioner, clinic):
    patient.emergency_contacts = [{"name": "Tom Holloway", "relationship": "son", "phone": "555-1000"}]
    patient.address_line, patient.city = "12 Pier Street", "Northwind"
    patient.save()
    visit = VisitFactory(case=CaseFactory(patient=patient, responsible_practitioner=practitioner), site=clinic,
                         practitioner=practitioner)
    vitals = VitalSigns.objects.create(patient=patient, company=patient.company, site=clinic, visit=visit,
                                       recorded_by=practitioner, rr=18, pulse=88, spo2=97, temp=Decimal("37.2"),
                                       sbp=128, dbp=82, weight_kg=Decimal("70"), height_cm=Decimal("170"),
                                       bmi=Decimal("24.2"))
    return {"patient": patient, "visit": visit, "vitals": vitals,
            "allergy": AllergyFactory(patient=patient, recorded_by=practitioner),
            "problem": ProblemFactory(patient=patient, recorded_by=practitioner)}


def test_each_fhir_resource_validates_and_every_read_is_access_logged(client, practitioner, record):
    client.force_login(practitioner)
    checks = [
        (reverse("fhir-patient", args=[record["patient"].pk]), Patient),
        (reverse("fhir-encounter", args=[record["visit"].pk]), Encounter),
        (reverse("fhir-observation", args=[f"{record['vitals'].pk}-hr"]), Observation),
        (reverse("fhir-observation", args=[f"{record['vitals'].pk}-bp"]), Observation),
        (reverse("fhir-allergyintolerance", args=[record["allergy"].pk]), AllergyIntolerance),
        (reverse("fhir-condition", args=[record["problem"].pk]), Condition),
    ]
    for url, model in checks:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/fhir+json")
        model.model_validate(response.json())
    heart = Observation.model_validate(client.get(checks[2][0]).json())
    assert heart.code.coding[0].code == "8867-4" and heart.valueQuantity.value == 88
    logged = AccessLog.objects.for_company(record["patient"].company).filter(
        entity_type="clinical.Patient", entity_id=str(record["patient"].pk))
    assert logged.count() == len(checks) + 1


def test_the_patient_bundle_holds_every_resource_and_validates(client, practitioner, record):
    client.force_login(practitioner)
    body = client.get(reverse("fhir-patient-everything", args=[record["patient"].pk])).json()
    bundle = Bundle.model_validate(body)
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    # rr, heart rate, SpO2, temperature, height, weight, BMI, and the blood-pressure panel
    assert kinds.count("Observation") == 8 and {"Patient", "Encounter", "AllergyIntolerance", "Condition"} <= set(kinds)


def test_reception_gets_403_on_clinical_fhir_resources(client, reception, record):
    client.force_login(reception)
    assert client.get(reverse("fhir-condition", args=[record["problem"].pk])).status_code == 403
    assert client.get(reverse("fhir-patient", args=[record["patient"].pk])).status_code == 200
