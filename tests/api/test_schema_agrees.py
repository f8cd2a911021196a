"""The schema and the responses agree (issue 11, item 22), pinned without schemathesis: optional
enums read null (never ""), ``page`` is one whole number, filters are validated, every operation
documents its error statuses, and an unknown API address answers JSON."""

import uuid

import pytest
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from tests.factories import EPAAssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client, surgery):
    client.force_login(surgery["cora"])
    return client.get("/api/schema/", {"format": "json"}).json()


def test_an_assessment_without_urgency_or_location_reads_null_and_the_schema_allows_it(client, surgery, schema):
    assessment = EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                                      case_urgency="", location_type="")
    client.force_login(surgery["faith"])
    row = client.get(f"/api/assessments/{assessment.pk}/").json()
    assert row["case_urgency"] is None and row["location_type"] is None
    properties = schema["components"]["schemas"]["Assessment"]["properties"]
    for name in ("case_urgency", "location_type"):
        assert properties[name]["nullable"] is True
        assert {"$ref": "#/components/schemas/NullEnum"} in properties[name]["oneOf"]


def test_faith_may_send_null_for_no_urgency_and_gets_null_back(client, surgery):
    client.force_login(surgery["faith"])
    response = client.post("/api/assessments/", {
        "submission_key": str(uuid.uuid4()), "learner": str(surgery["riley"].pk), "epa": surgery["epa"].pk,
        "entrustment_level": 2, "assessment_date": timezone.localdate().isoformat(), "case_urgency": None,
        "location_type": "clinic"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["case_urgency"] is None and response.json()["location_type"] == "clinic"
    stored = EPAAssessment.objects.for_company(surgery["program"].company).get()
    assert stored.case_urgency == "" and stored.location_type == "clinic"


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "١", ["1", "2"]])
def test_page_that_is_not_one_whole_number_is_a_400_naming_it(client, surgery, page):
    client.force_login(surgery["faith"])
    for url in ("/api/assessments/", "/api/notifications/", "/api/reference/epas/"):
        response = client.get(url, {"page": page})
        assert response.status_code == 400, (url, page)
        assert "page" in response.json()


def test_page_past_the_end_is_a_json_404_and_the_schema_says_page_is_an_integer(client, surgery, schema):
    client.force_login(surgery["faith"])
    assert client.get("/api/assessments/", {"page": 1}).status_code == 200
    response = client.get("/api/assessments/", {"page": 7})
    assert response.status_code == 404 and response.json() == {"detail": "Invalid page."}
    page = next(p for p in schema["paths"]["/api/assessments/"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"] == {"type": "integer", "minimum": 1, "maximum": 1_000_000}


@pytest.mark.parametrize("query", [{"epa": "abc"}, {"epa": "false"}, {"epa": "true"}, {"learner": "abc"},
                                   {"date_from": "yesterday"}, {"date_to": "2026-13-01"}])
def test_malformed_assessment_filters_are_a_400_naming_the_filter(client, surgery, query):
    client.force_login(surgery["faith"])
    response = client.get("/api/assessments/", query)
    assert response.status_code == 400 and list(response.json()) == list(query)


def test_every_operation_documents_its_error_statuses(schema):
    assert schema["paths"], "the schema lists the API"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404"} <= codes, (method, path, codes)
            if method != "get" or "page" in {p["name"] for p in operation.get("parameters", [])}:
                assert "400" in codes, (method, path, codes)
            assert codes & {"200", "201", "204"}, (method, path, codes)


def test_an_unknown_api_address_is_a_json_404_by_any_method(surgery):
    from tests.conftest import RoundsClient

    client = RoundsClient(enforce_csrf_checks=True)  # as a real browser session: CSRF is checked
    client.force_login(surgery["faith"])
    for method, url in (("get", "/api/reference/case-types/1.5/"), ("get", "/api/no-such-thing/"),
                        ("patch", "/api/learners/1.5/"), ("post", "/api/no-such-thing/")):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 404 and response["Content-Type"] == "application/json", (method, url)
        assert response.json() == {"detail": "Not found."}
