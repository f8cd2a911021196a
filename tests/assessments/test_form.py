"""Faith the faculty member assesses Riley the resident through the web form."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import EPAAssessment
from apps.audit.models import AuditLog
from apps.notifications.models import Notification
from tests.factories import CaseTypeFactory, EPAFactory, FeedbackTagFactory, LearnerFactory

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def _post(client, world, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "learner": world["riley"].pk, "epa": world["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
            "case_type": world["case_type"].pk, "tags_went_well": [world["good_tag"].pk],
            "tags_needs_work": [world["work_tag"].pk], "narrative_feedback": "Safe and steady.",
            "patient_asa_class": 2, "procedure_minutes": 55}
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(reverse("assessments:new"), data, HTTP_USER_AGENT=PHONE), data


@pytest.mark.django_db
def test_faith_submits_on_one_screen_and_riley_sees_it_at_once(client, surgery, django_capture_on_commit_callbacks):
    client.force_login(surgery["faith"])
    form_page = client.get(reverse("assessments:new"))
    assert form_page.status_code == 200
    assert b"choice-group" in form_page.content and b"Descriptor 3" in form_page.content
    assert b'name="submission_key"' in form_page.content
    with django_capture_on_commit_callbacks(execute=True):
        response, _ = _post(client, surgery)
    assessment = EPAAssessment.objects.for_company(surgery["program"].company).get()
    assert response.status_code == 302 and response.url == reverse("assessments:detail", args=[assessment.pk])
    assert assessment.entry_method == "mobile_web" and assessment.entrustment_level == 3
    assert {(l.tag.name, l.tag_type) for l in assessment.tag_links.all()} == {
        ("Tissue handling", "went_well"), ("Efficiency", "needs_work")}
    assert AuditLog.objects.unscoped().filter(action="assessment.submit", entity_id=str(assessment.pk)).exists()
    assert assessment.history.count() == 1
    assert Notification.objects.for_company(assessment.company).filter(user=surgery["riley"].user).count() == 2

    client.force_login(surgery["riley"].user)
    mine = client.get(reverse("assessments:mine"))
    assert b"Appendicitis" in mine.content
    detail = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert b"Tissue handling" in detail.content and b"Safe and steady." in detail.content


@pytest.mark.django_db
def test_a_double_submit_creates_one_assessment_and_says_so(client, surgery):
    client.force_login(surgery["faith"])
    first, data = _post(client, surgery)
    second = client.post(reverse("assessments:new"), {**data, "entrustment_level": 4}, follow=True)
    assert first.status_code == 302 and second.redirect_chain == [(first.url, 302)]
    assert b"was already saved; nothing was saved twice" in second.content
    assessment = EPAAssessment.objects.for_company(surgery["program"].company).get()
    assert assessment.entrustment_level == 3, "the first submission stands"


@pytest.mark.django_db
def test_the_back_button_to_a_saved_form_shows_the_saved_assessment(client, surgery):
    """assessments.js puts the render's key in the address (?key=…); going back asks for it again."""
    client.force_login(surgery["faith"])
    form = client.get(reverse("assessments:new"))
    key = str(form.context["form"].initial["submission_key"])
    assert b"data-key-in-url" in form.content
    same = client.get(reverse("assessments:new"), {"key": key})
    assert same.status_code == 200 and f'value="{key}"'.encode() in same.content, "an unsaved form keeps its key"
    _post(client, surgery, submission_key=key)
    back = client.get(reverse("assessments:new"), {"key": key}, follow=True)
    assessment = EPAAssessment.objects.for_company(surgery["program"].company).get()
    assert back.redirect_chain == [(reverse("assessments:detail", args=[assessment.pk]), 302)]
    assert b"was already saved" in back.content


@pytest.mark.django_db
def test_a_key_of_another_assessor_never_answers_with_their_assessment(client, surgery):
    from tests.factories import FacultyFactory

    client.force_login(surgery["faith"])
    _, data = _post(client, surgery)
    client.force_login(FacultyFactory(program=surgery["program"]).user)
    response, _ = _post(client, surgery, submission_key=data["submission_key"])
    assert response.status_code == 200 and b"Reload the form and submit again." in response.content
    assert EPAAssessment.objects.for_company(surgery["program"].company).count() == 1


def _errors_for(client, world, field, **overrides):
    response, _ = _post(client, world, **overrides)
    assert response.status_code == 200, "an invalid form is shown again, not saved"
    assert not EPAAssessment.all_objects.for_company(world["program"].company).exists()
    return response.context["form"].errors.get(field)


@pytest.mark.django_db
@pytest.mark.parametrize("field,overrides", [
    ("entrustment_level", {"entrustment_level": 9}),
    ("assessment_date", {"assessment_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}),
    ("patient_asa_class", {"patient_asa_class": 7}),
    ("procedure_minutes", {"procedure_minutes": 1441}),
])
def test_faith_sees_each_mistake_beside_its_field(client, surgery, field, overrides):
    client.force_login(surgery["faith"])
    assert _errors_for(client, surgery, field, **overrides)


@pytest.mark.django_db
def test_a_case_type_of_another_epa_is_refused(client, surgery):
    client.force_login(surgery["faith"])
    assert _errors_for(client, surgery, "case_type", case_type=surgery["other_case_type"].pk)


@pytest.mark.django_db
def test_a_private_tag_of_southbay_is_refused(client, surgery, southbay):
    client.force_login(surgery["faith"])
    southbay_tag = FeedbackTagFactory(name="Southbay only", company=southbay)
    response, _ = _post(client, surgery, tags_went_well=[southbay_tag.pk])
    assert response.status_code == 200
    assert not EPAAssessment.all_objects.for_company(surgery["program"].company).exists()


@pytest.mark.django_db
def test_an_epa_outside_the_programs_set_is_refused_by_the_service(surgery):
    from django.core.exceptions import ValidationError

    from apps.assessments.services import assessment_submit

    foreign_epa = EPAFactory()
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessor=surgery["faith"], learner=surgery["riley"], epa=foreign_epa, entrustment_level=2,
                          assessment_date=timezone.localdate(), submission_key=uuid.uuid4(), entry_method="web")
    assert "epa" in error.value.message_dict


@pytest.mark.django_db
def test_faith_cannot_assess_a_learner_of_another_program(surgery, sponsor):
    from django.core.exceptions import ValidationError

    from apps.assessments.services import assessment_submit

    stranger = LearnerFactory(program__sponsor=sponsor)
    with pytest.raises(ValidationError) as error:
        assessment_submit(assessor=surgery["faith"], learner=stranger, epa=EPAFactory(epa_set=stranger.program.epa_set),
                          entrustment_level=2, assessment_date=timezone.localdate(), submission_key=uuid.uuid4(),
                          entry_method="web")
    assert "learner" in error.value.message_dict


@pytest.mark.django_db
def test_case_type_options_follow_the_chosen_epa(client, surgery):
    client.force_login(surgery["faith"])
    CaseTypeFactory(epa=surgery["epa"], name="Open appendectomy")
    response = client.get(reverse("assessments:case_types"), {"epa": surgery["epa"].pk}, HTTP_HX_REQUEST="true")
    assert b"Open appendectomy" in response.content and b"cholecystectomy" not in response.content
    assert "HX-Request" in response["Vary"]
