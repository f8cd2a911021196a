"""Free text has a documented ceiling: a narrative is at most 5,000 characters — on the form, in
the API, in the service and in the database — so a 2 MB paste costs nothing and breaks nothing."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import NARRATIVE_MAX_LENGTH, EPAAssessment
from apps.assessments.services import assessment_submit
from tests.factories import EPAAssessmentFactory

TWO_MEGABYTES = "x" * (2 * 1024 * 1024)


def _payload(world, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "learner": str(world["riley"].pk), "epa": world["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat()}
    data.update(overrides)
    return data


def _count(world):
    return EPAAssessment.all_objects.for_company(world["program"].company).count()


@pytest.mark.django_db
def test_a_two_megabyte_narrative_gets_a_400_with_a_field_error_from_the_api(client, surgery):
    client.force_login(surgery["faith"])
    response = client.post(reverse("epa-assessment-list"), _payload(surgery, narrative_feedback=TWO_MEGABYTES),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["narrative_feedback"] == ["Ensure this field has no more than 5000 characters."]
    assert _count(surgery) == 0


@pytest.mark.django_db
def test_the_api_takes_exactly_five_thousand_characters(client, surgery):
    client.force_login(surgery["faith"])
    response = client.post(reverse("epa-assessment-list"),
                           _payload(surgery, narrative_feedback="y" * NARRATIVE_MAX_LENGTH),
                           content_type="application/json")
    assert response.status_code == 201 and len(response.json()["narrative_feedback"]) == 5000


@pytest.mark.django_db
def test_the_form_refuses_a_narrative_over_the_limit_beside_the_field(client, surgery):
    client.force_login(surgery["faith"])
    page = client.get(reverse("assessments:new")).content.decode()
    assert 'maxlength="5000"' in page, "the browser stops typing at the limit"
    data = _payload(surgery, learner=surgery["riley"].pk, narrative_feedback="z" * (NARRATIVE_MAX_LENGTH + 1))
    response = client.post(reverse("assessments:new"), data)
    assert response.status_code == 200 and response.context["form"].errors["narrative_feedback"]
    assert _count(surgery) == 0


@pytest.mark.django_db
def test_the_service_refuses_long_free_text_whoever_calls_it(surgery):
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessor=surgery["faith"], learner=surgery["riley"], epa=surgery["epa"],
                          entrustment_level=2, assessment_date=timezone.localdate(), submission_key=uuid.uuid4(),
                          entry_method="web", narrative_feedback="n" * 5001, location_details="l" * 101)
    assert error.value.message_dict == {"narrative_feedback": ["At most 5,000 characters (this has 5,001)."],
                                        "location_details": ["At most 100 characters (this has 101)."]}


@pytest.mark.django_db
def test_the_database_refuses_a_longer_narrative_written_around_the_service(surgery):
    with pytest.raises(IntegrityError, match="assessment_narrative_max_length"), transaction.atomic():
        EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                             narrative_feedback="d" * (NARRATIVE_MAX_LENGTH + 1))


@pytest.mark.django_db
def test_cora_gets_a_message_not_a_500_for_an_overlong_delete_reason(client, surgery):
    assessment = EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])
    client.force_login(surgery["cora"])
    response = client.post(reverse("assessments:delete", args=[assessment.pk]), {"reason": "r" * 501}, follow=True)
    assert response.status_code == 200 and b"At most 500 characters." in response.content
    assert not EPAAssessment.all_objects.for_company(assessment.company).get().is_deleted
