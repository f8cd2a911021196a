"""Each feedback list offers only its own group's tags: strengths went well, areas for improvement
need work. A tag posted in the other group is refused by the service (form and API alike)."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from apps.assessments.services import assessment_submit
from tests.factories import FeedbackTagFactory


@pytest.fixture
def communication(surgery):
    """The library has "Communication" in both groups, as the real one does."""
    return {"strength": FeedbackTagFactory(name="Communication", category="strength"),
            "improvement": FeedbackTagFactory(name="Communication", category="area_for_improvement")}


def _group(html, css_class):
    block = re.search(rf'class="tags {css_class}.*?</div>', html, re.S).group(0)
    return set(re.findall(r'value="(\d+)"', block))


@pytest.mark.django_db
def test_faith_sees_each_tag_once_in_its_own_list(client, surgery, communication):
    client.force_login(surgery["faith"])
    html = client.get(reverse("assessments:new")).content.decode()
    went_well, needs_work = _group(html, "tags-went-well"), _group(html, "tags-needs-work")
    assert went_well == {str(surgery["good_tag"].pk), str(communication["strength"].pk)}
    assert needs_work == {str(surgery["work_tag"].pk), str(communication["improvement"].pk)}


@pytest.mark.django_db
def test_a_needs_work_tag_posted_as_went_well_is_refused_on_the_form(client, surgery, communication):
    client.force_login(surgery["faith"])
    response = client.post(reverse("assessments:new"), {
        "submission_key": str(uuid.uuid4()), "learner": surgery["riley"].pk, "epa": surgery["epa"].pk,
        "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
        "tags_went_well": [communication["improvement"].pk]})
    assert response.status_code == 200 and response.context["form"].errors["tags_went_well"]
    assert not EPAAssessment.all_objects.for_company(surgery["program"].company).exists()


@pytest.mark.django_db
def test_the_service_refuses_a_tag_of_the_other_group(surgery, communication):
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessor=surgery["faith"], learner=surgery["riley"], epa=surgery["epa"],
                          entrustment_level=2, assessment_date=timezone.localdate(), submission_key=uuid.uuid4(),
                          entry_method="web", tags_went_well=[surgery["good_tag"]],
                          tags_needs_work=[communication["strength"]])
    assert error.value.message_dict == {"tags_needs_work": ["Not a 'needs work' tag: Communication."]}


@pytest.mark.django_db
def test_the_api_answers_400_for_a_went_well_tag_in_needs_work(client, surgery, communication):
    client.force_login(surgery["faith"])
    response = client.post(reverse("epa-assessment-list"), {
        "submission_key": str(uuid.uuid4()), "learner": str(surgery["riley"].pk), "epa": surgery["epa"].pk,
        "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
        "tags_went_well": [communication["improvement"].pk]}, content_type="application/json")
    assert response.status_code == 400 and "tags_went_well" in response.json()
    assert not EPAAssessment.all_objects.for_company(surgery["program"].company).exists()
