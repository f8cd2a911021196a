"""The API answers what the pages do (score, band, subscales), and FHIR Questionnaire and
QuestionnaireResponse validate with fhir.resources (R4B models)."""

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from apps.audit.models import AccessLog
from apps.physio.models import TreatmentPlan
from apps.physio.scoring import registry
from apps.physio.services import proms as prom_services
from tests.physio.conftest import send

pytestmark = pytest.mark.django_db


def _koos(patient, practitioner, templates):
    answers = {item: 1 for item in registry.get("koos").item_keys()}
    return prom_services.prom_submit(instance=send(patient, templates["koos"], practitioner), answers=answers)


def test_the_api_lists_responses_with_score_band_and_subscales(client, patient, practitioner, templates):
    prom_services.prom_submit(instance=send(patient, templates["phq9"], practitioner),
                              answers={f"q{n}": 1 for n in range(1, 9)} | {"q9": 0})
    _koos(patient, practitioner, templates)
    client.force_login(practitioner)
    rows = client.get(reverse("physio-response-list", kwargs={"patient_id": patient.pk})).json()
    by = {row["instrument"]: row for row in rows}
    assert by["phq9"]["score"] == "8.00" and by["phq9"]["band"] == "Mild"
    assert by["koos"]["score"] is None and by["koos"]["subscales"]["pain"] == "75.00"
    assert AccessLog.objects.for_company(patient.company).filter(endpoint__contains="/responses/").exists()


def test_the_api_sends_a_questionnaire_and_refuses_another_companys_template(client, patient, practitioner, templates,
                                                                              southbay):
    client.force_login(practitioner)
    url = reverse("physio-instance-list", kwargs={"patient_id": patient.pk})
    sent = client.post(url, json.dumps({"template": str(templates["nprs"].pk), "channel": "none"}),
                       content_type="application/json")
    assert sent.status_code == 201 and sent.json()["template"].startswith("Numeric Pain")
    bad = client.post(url, json.dumps({"template": "b0d9c1a2-0000-4000-8000-000000000000", "channel": "none"}),
                      content_type="application/json")
    assert bad.status_code == 400 and "template" in bad.json()


def test_templates_plans_and_feedback_through_the_api(client, patient, practitioner, templates, northwind):
    from apps.physio.services import plans as plan_services

    client.force_login(practitioner)
    listed = client.get(reverse("physio-template-list")).json()
    phq9 = next(t for t in listed if t["instrument"] == "phq9")
    assert phq9["items"][0]["label"] == "Little interest or pleasure in doing things"
    created = client.post(reverse("physio-plan-list", kwargs={"patient_id": patient.pk}),
                          json.dumps({"title": "API plan"}), content_type="application/json")
    assert created.status_code == 201
    exercise = plan_services.exercise_save(actor=practitioner, company=northwind, data={"name": "Squat"})
    plan = TreatmentPlan.objects.for_company(northwind).get()
    phase = plan_services.plan_phase_add(actor=practitioner, plan=plan, name="One")
    row = plan_services.plan_exercise_add(actor=practitioner, phase=phase, exercise=exercise)
    url = reverse("physio-feedback-list", kwargs={"plan_exercise_id": row.pk})
    posted = client.post(url, json.dumps({"done": True, "pain_during": 11}), content_type="application/json")
    assert posted.status_code == 400
    posted = client.post(url, json.dumps({"done": True, "pain_during": 4, "difficulty": 2}),
                         content_type="application/json")
    assert posted.status_code == 201
    detail = client.get(reverse("physio-plan-detail", kwargs={"plan_id": plan.pk})).json()
    assert detail["phases"][0]["exercises"][0]["exercise"] == "Squat"


def test_fhir_questionnaire_and_response_validate(client, patient, practitioner, templates):
    response = _koos(patient, practitioner, templates)
    phq = prom_services.prom_submit(instance=send(patient, templates["phq9"], practitioner),
                                    answers={f"q{n}": 2 for n in range(1, 10)})
    client.force_login(practitioner)
    for row in (response, phq):
        q = client.get(reverse("fhir-questionnaire", kwargs={"version_id": row.template_version_id}))
        assert q["Content-Type"] == "application/fhir+json"
        questionnaire = Questionnaire.model_validate(q.json())
        assert questionnaire.item[-1].readOnly is True
        qr = client.get(reverse("fhir-questionnaireresponse", kwargs={"response_id": row.pk})).json()
        validated = QuestionnaireResponse.model_validate(qr)
        assert validated.questionnaire.endswith(f"Questionnaire/{row.template_version_id}")
    qr = client.get(reverse("fhir-questionnaireresponse", kwargs={"response_id": phq.pk})).json()
    assert {"linkId": "score", "answer": [{"valueDecimal": 18.0}]} in qr["item"]


def test_charlie_from_southbay_gets_404_for_northwinds_fhir_response(client, patient, practitioner, templates,
                                                                   southbay_charlie):
    row = prom_services.prom_submit(instance=send(patient, templates["nprs"], practitioner), answers={"pain": 4})
    client.force_login(southbay_charlie)
    assert client.get(reverse("fhir-questionnaireresponse", kwargs={"response_id": row.pk})).status_code == 404
    assert client.get(reverse("physio-response-detail", kwargs={"response_id": row.pk})).status_code == 404
