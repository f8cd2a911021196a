import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import EPAAssessment


def _payload(world, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "learner": str(world["riley"].pk), "epa": world["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
            "tags_went_well": [world["good_tag"].pk]}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_faith_creates_through_the_api_once_per_key(client, surgery):
    client.force_login(surgery["faith"])
    payload = _payload(surgery)
    first = client.post(reverse("epa-assessment-list"), payload, content_type="application/json")
    second = client.post(reverse("epa-assessment-list"), payload, content_type="application/json")
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert first.json()["entry_method"] == "api"
    listed = client.get(reverse("epa-assessment-list"), {"learner": surgery["riley"].pk, "epa": surgery["epa"].pk})
    assert listed.json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field,value", [("entrustment_level", 9), ("patient_asa_class", 0),
                                         ("procedure_minutes", 2000), ("assessment_date", "2999-01-01")])
def test_the_api_answers_400_with_field_errors(client, surgery, field, value):
    client.force_login(surgery["faith"])
    response = client.post(reverse("epa-assessment-list"), _payload(surgery, **{field: value}),
                           content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert not EPAAssessment.all_objects.for_company(surgery["program"].company).exists()


@pytest.mark.django_db
def test_riley_acknowledges_and_requests_through_the_api(client, surgery):
    client.force_login(surgery["faith"])
    created = client.post(reverse("epa-assessment-list"), _payload(surgery), content_type="application/json").json()
    client.force_login(surgery["riley"].user)
    ack = client.post(reverse("epa-assessment-acknowledge", args=[created["id"]]))
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    response = client.post(reverse("assessment-request-list"), {
        "assessor": str(surgery["faith"].pk), "epa": surgery["epa"].pk, "case_date": timezone.localdate().isoformat()},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    assert client.get(reverse("assessment-request-list")).json()["count"] == 1


@pytest.mark.django_db
def test_the_openapi_schema_renders(client, surgery):
    client.force_login(surgery["faith"])
    assert client.get("/api/schema/").status_code == 200
