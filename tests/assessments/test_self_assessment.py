"""Casey is a chief resident: a learner of the surgery program and one of its faculty. Casey
assesses juniors, never Casey."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.services import assessment_request_create, assessment_submit
from apps.tenants.roles import Role
from tests.factories import LearnerFactory, MembershipFactory


@pytest.fixture
def casey(surgery):
    chief = LearnerFactory(program=surgery["program"], user__first_name="Casey", user__last_name="Chief")
    MembershipFactory(user=chief.user, role=Role.FACULTY, program=surgery["program"])
    return chief


def _payload(world, learner):
    return {"submission_key": str(uuid.uuid4()), "learner": str(learner.pk), "epa": world["epa"].pk,
            "entrustment_level": 4, "assessment_date": timezone.localdate().isoformat()}


@pytest.mark.django_db
def test_casey_cannot_assess_casey_through_the_api(client, surgery, casey):
    client.force_login(casey.user)
    response = client.post(reverse("epa-assessment-list"), _payload(surgery, casey), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["learner"] == ["You cannot assess yourself: ask a faculty member to assess you."]
    assert not EPAAssessment.all_objects.for_company(surgery["program"].company).exists()

    juniors = client.post(reverse("epa-assessment-list"), _payload(surgery, surgery["riley"]),
                          content_type="application/json")
    assert juniors.status_code == 201, "Casey still assesses Riley"


@pytest.mark.django_db
def test_the_service_refuses_a_self_assessment_whoever_calls_it(surgery, casey):
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessor=casey.user, learner=casey, epa=surgery["epa"], entrustment_level=4,
                          assessment_date=timezone.localdate(), submission_key=uuid.uuid4(), entry_method="web")
    assert list(error.value.message_dict) == ["learner"]


@pytest.mark.django_db
def test_caseys_form_does_not_offer_casey(client, surgery, casey):
    client.force_login(casey.user)
    response = client.get(reverse("assessments:new"))
    # the choices the page shows (read as rows: the form of a GET builds no learner queryset)
    offered = [label for value, label in response.context["form"].fields["learner"].choices if value]
    assert offered == [f"Riley Chen ({surgery['program']})"]
    assert "Casey Chief" not in response.content.decode().split('id="id_learner"')[1].split("</select>")[0]


@pytest.mark.django_db
def test_casey_cannot_ask_casey_for_an_assessment(surgery, casey):
    with pytest.raises(ValidationError) as error:
        assessment_request_create(learner_user=casey.user, learner=casey, assessor=casey.user, epa=surgery["epa"],
                                  case_date=timezone.localdate())
    assert list(error.value.message_dict) == ["assessor"]
    assert not AssessmentRequest.objects.for_company(surgery["program"].company).exists()
