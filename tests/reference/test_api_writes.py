import datetime

import pytest
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    MilestoneSet,
    Specialty,
)
from apps.tenants.roles import Role
from tests.factories import (
    CompetencyFactory,
    EPAAssessmentFactory,
    EPAFactory,
    EPASetFactory,
    FeedbackTagFactory,
    LearnerFactory,
    MilestoneFactory,
    SpecialtyFactory,
    SuperuserFactory,
    scale_with_levels,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(client):
    sam = SuperuserFactory(email="sam@rounds.example")
    client.force_login(sam)
    return sam


@pytest.fixture
def charlie_from_southbay(southbay, make_user):
    return make_user(southbay, Role.ORG_ADMIN, email="charlie@southbay.example")


def test_sam_publishes_an_epa_set_version_that_retires_the_old_one(client, sam):
    old = EPASetFactory(version="2023", scale=scale_with_levels(4))
    body = {"specialty": old.specialty_id, "version": "2027", "name": "General Surgery EPAs (ABS)",
            "effective_date": "2027-07-01", "scale": old.scale_id,
            "epas": [{"number": 1, "name": "RLQ pain/Appendicitis", "short_name": "Appendicitis"}]}
    response = client.post(reverse("reference-epa-set-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    new = EPASet.objects.get(version="2027")
    old.refresh_from_db()
    assert old.retired_on == datetime.date(2027, 7, 1) and new.retired_on is None
    assert new.epas.get().history.latest("history_date").history_user == sam
    assert old.history.latest("history_date").history_user == sam
    assert AuditLog.objects.unscoped().filter(action="epa_set.publish", entity_id=str(new.pk)).exists()
    listed = client.get(reverse("reference-epa-set-list")).json()["results"]
    assert {row["version"] for row in listed} == {"2023", "2027"}  # the platform sees retired sets too


def test_a_duplicate_epa_number_is_a_400_and_nothing_is_published(client, sam):
    old = EPASetFactory(version="2023")
    body = {"specialty": old.specialty_id, "version": "2027", "name": "New", "effective_date": "2027-07-01",
            "scale": old.scale_id, "epas": [{"number": 1, "name": "A", "short_name": "A"},
                                            {"number": 1, "name": "B", "short_name": "B"}]}
    response = client.post(reverse("reference-epa-set-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "EPA 1 already exists in New v2027" in response.json()["number"]
    assert not EPASet.objects.filter(version="2027").exists()
    old.refresh_from_db()
    assert old.retired_on is None


def test_a_used_epa_keeps_its_number_and_name_and_cannot_be_deleted(client, sam, northwind):
    epa = EPAAssessmentFactory(learner=LearnerFactory(program__sponsor__institution__company=northwind)).epa
    number, name = epa.number, epa.name
    url = reverse("reference-epa-detail", kwargs={"pk": epa.pk})
    response = client.patch(url, {"name": "Renamed", "number": 40}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "number"}
    assert client.patch(url, {"short_name": "Shorter"}, content_type="application/json").status_code == 200
    assert client.delete(url).status_code == 400
    epa.refresh_from_db()
    assert (epa.short_name, epa.number, epa.name) == ("Shorter", number, name)
    unused = EPAFactory(epa_set=epa.epa_set)
    assert client.delete(reverse("reference-epa-detail", kwargs={"pk": unused.pk})).status_code == 204
    assert not EPA.objects.filter(pk=unused.pk).exists()


def test_sam_publishes_milestones_and_a_partial_level_set_is_refused(client, sam):
    competency = CompetencyFactory()
    specialty = SpecialtyFactory()
    milestone = {"competency": competency.code, "subcompetency_code": "PC1", "title": "Patient Evaluation",
                 "level_1": "One", "level_2": "Two"}
    body = {"specialty": specialty.code, "version": "2.0", "name": "ACGME Surgery Milestones",
            "milestones": [milestone]}
    response = client.post(reverse("reference-milestone-set-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "level 3, level 4, level 5 missing" in response.json()["level_3"][0]
    assert not MilestoneSet.objects.exists()
    milestone.update(level_1="", level_2="")
    response = client.post(reverse("reference-milestone-set-list"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert MilestoneSet.objects.get().milestones.get().history.latest("history_date").history_user == sam


def test_scale_levels_run_from_one_and_stored_levels_are_not_dropped(client, sam):
    url = reverse("reference-entrustment-scale-list")
    body = {"code": "gappy", "name": "Gappy", "levels": [{"number": 1, "label": "One"}, {"number": 3, "label": "3"}]}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "(got 1, 3)" in response.json()["levels"][0]
    assert not EntrustmentScale.objects.filter(code="gappy").exists()
    body["levels"][1]["number"] = 2
    assert client.post(url, body, content_type="application/json").status_code == 201
    detail = reverse("reference-entrustment-scale-detail", kwargs={"code": "gappy"})
    response = client.patch(detail, {"levels": [{"number": 1, "label": "Only"}]}, content_type="application/json")
    assert response.status_code == 400 and "Levels 2 are missing" in response.json()["levels"][0]
    response = client.patch(detail, {"levels": [{"number": 1, "label": "First"}, {"number": 2, "label": "Two"}]},
                            content_type="application/json")
    assert [level["label"] for level in response.json()["levels"]] == ["First", "Two"]


def test_sam_edits_competencies_specialties_case_types_and_tags(client, sam):
    url = reverse("reference-competency-list")
    body = {"code": "patient_care", "name": "Patient Care", "abbreviation": "PC"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    detail = reverse("reference-competency-detail", kwargs={"code": "patient_care"})
    response = client.patch(detail, {"code": "other"}, content_type="application/json")
    assert response.status_code == 400 and "code" in response.json()
    assert Competency.objects.get().history.latest("history_date").history_user == sam

    surgery = SpecialtyFactory()
    response = client.post(reverse("reference-specialty-list"), {
        "code": "thoracic_surgery", "name": "Thoracic Surgery", "category": "surgical", "parent": surgery.code,
        "pathway_type": "fellowship", "prerequisites": [surgery.code]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    response = client.patch(reverse("reference-specialty-detail", kwargs={"code": surgery.code}),
                            {"prerequisites": ["thoracic_surgery"]}, content_type="application/json")
    assert response.status_code == 400
    assert "would make a cycle" in response.json()["prerequisites"][0]
    assert not Specialty.objects.get(code=surgery.code).prerequisites.exists()

    epa = EPAFactory()
    response = client.post(reverse("reference-case-type-list"), {"epa": epa.pk, "code": "LAP_CHOLE",
                                                                 "name": "Laparoscopic cholecystectomy"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["private"] is False
    assert CaseType.objects.shared().get().code == "LAP_CHOLE"
    response = client.post(reverse("reference-case-type-list"), {"epa": epa.pk, "code": "LAP_CHOLE", "name": "Again"},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post(reverse("reference-feedback-tag-list"), {"category": "strength", "name": "Communication"},
                           content_type="application/json")
    assert response.status_code == 201
    assert FeedbackTag.objects.shared().get().history.latest("history_date").history_user == sam


def test_sam_sees_shared_rows_but_not_a_companys_private_ones(client, sam, northwind):
    FeedbackTagFactory(name="Shared tag")
    private = FeedbackTagFactory(name="Northwind tag", company=northwind)
    listed = client.get(reverse("reference-feedback-tag-list")).json()["results"]
    assert [row["name"] for row in listed] == ["Shared tag"]
    detail = reverse("reference-feedback-tag-detail", kwargs={"pk": private.pk})
    assert client.patch(detail, {"name": "Taken over"}, content_type="application/json").status_code == 404


def test_charlie_from_southbay_lists_but_cannot_write_or_open_details(client, charlie_from_southbay):
    scale = scale_with_levels(4)
    milestone = MilestoneFactory()
    tag = FeedbackTagFactory()
    client.force_login(charlie_from_southbay)
    lists = ["reference-specialty-list", "reference-competency-list", "reference-entrustment-scale-list",
             "reference-epa-set-list", "reference-epa-list", "reference-milestone-set-list",
             "reference-milestone-list", "reference-case-type-list", "reference-feedback-tag-list"]
    for name in lists:
        assert client.get(reverse(name)).status_code == 200, name
        assert client.post(reverse(name), {"name": "Sneaky"}, content_type="application/json").status_code == 403
    details = [("reference-entrustment-scale-detail", {"code": scale.code}),
               ("reference-milestone-detail", {"pk": milestone.pk}),
               ("reference-feedback-tag-detail", {"pk": tag.pk})]
    for name, kwargs in details:
        url = reverse(name, kwargs=kwargs)
        assert client.patch(url, {"name": "Sneaky"}, content_type="application/json").status_code == 403
        assert client.get(url).status_code == 403
    tag.refresh_from_db()
    assert tag.name != "Sneaky"
    assert CaseType.objects.unscoped().count() == 0
