"""The form, the signed link and the API record an assessment through one service with one result:
the same input gives the same stored assessment, rotation assignment included."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from tests.factories import AssignmentFactory

# What identifies one submission rather than its content: never equal between two submissions.
PER_SUBMISSION = {"id", "submission_key", "submitted_at", "created_at", "updated_at", "entry_method"}


def _stored(assessment) -> dict:
    assessment = EPAAssessment.objects.for_company(assessment.company_id).get(pk=assessment.pk)
    fields = {f.attname: getattr(assessment, f.attname) for f in assessment._meta.concrete_fields
              if f.attname not in PER_SUBMISSION}
    fields["tags"] = sorted((link.tag_id, link.tag_type) for link in assessment.tag_links.all())
    return fields


@pytest.mark.django_db
def test_the_form_and_the_api_store_identical_assessments_for_the_same_input(client, surgery):
    today = timezone.localdate()
    rotation = AssignmentFactory(learner=surgery["riley"], site=surgery["site"],
                                 start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(3))
    same = {"learner": str(surgery["riley"].pk), "epa": surgery["epa"].pk, "entrustment_level": 3,
            "assessment_date": today.isoformat(), "case_type": surgery["case_type"].pk, "site": str(surgery["site"].pk),
            "case_urgency": "urgent", "patient_asa_class": 2, "procedure_minutes": 55, "complications_occurred": True,
            "location_type": "operating_room", "location_details": "OR 4", "narrative_feedback": "Safe and steady.",
            "tags_went_well": [surgery["good_tag"].pk], "tags_needs_work": [surgery["work_tag"].pk]}
    client.force_login(surgery["faith"])

    form = client.post(reverse("assessments:new"), {**same, "submission_key": str(uuid.uuid4()),
                                                    "complications_occurred": "true"})
    api = client.post(reverse("epa-assessment-list"), {**same, "submission_key": str(uuid.uuid4())},
                      content_type="application/json")

    assert form.status_code == 302 and api.status_code == 201, (form.content, api.content)
    by_api, by_form = EPAAssessment.objects.for_company(surgery["program"].company).order_by("entry_method")
    assert (by_api.entry_method, by_form.entry_method) == ("api", "web")
    assert by_form.rotation_assignment_id == rotation.pk  # the schedule's rotation on the case day, both ways
    assert _stored(by_api) == _stored(by_form)


@pytest.mark.django_db
def test_an_assessment_on_a_day_without_a_rotation_has_none_whoever_enters_it(client, surgery):
    client.force_login(surgery["faith"])
    payload = {"submission_key": str(uuid.uuid4()), "learner": str(surgery["riley"].pk), "epa": surgery["epa"].pk,
               "entrustment_level": 2, "assessment_date": timezone.localdate().isoformat()}
    assert client.post(reverse("epa-assessment-list"), payload, content_type="application/json").status_code == 201
    assert EPAAssessment.objects.for_company(surgery["program"].company).get().rotation_assignment_id is None
