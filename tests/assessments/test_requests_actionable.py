"""Requests are actionable in the app (issue 11, item 3): Faith answers Riley's request with
"Assess now" or declines it with a reason; an assessment of the same learner and EPA closes the
matching open request; Riley cancels his own request; and "overdue" means one thing on the
completion board, on Faith's to-do and for the reminders."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments import jobs
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.signing import request_link_path
from apps.audit.models import AuditLog
from apps.notifications.models import Notification
from tests.factories import AssessmentRequestFactory, FacultyFactory

pytestmark = pytest.mark.django_db


def _open_request(world, *, assessor=None, epa=None, age_days=0, **extra):
    request = AssessmentRequestFactory(learner=world["riley"], assessor=assessor or world["faith"],
                                       epa=epa or world["epa"], **extra)
    if age_days:  # created_at is auto_now_add: backdate it
        AssessmentRequest.objects.for_company(request.company_id).filter(pk=request.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=age_days, hours=1))
        request.refresh_from_db()
    return request


def _assessment_data(world, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "learner": world["riley"].pk, "epa": world["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
            "narrative_feedback": "Steady hands."}
    data.update(overrides)
    return data


def _status(request) -> str:
    request.refresh_from_db()
    return request.status


# ------------------------------------------------------------------ Assess now
def test_faith_sees_assess_now_and_decline_on_a_request_for_her_and_riley_sees_cancel(client, surgery):
    request = _open_request(surgery)
    url = reverse("assessments:request_detail", args=[request.pk])

    client.force_login(surgery["faith"])
    page = client.get(url).content.decode()
    assess_now = (f'{reverse("assessments:new")}?learner={surgery["riley"].pk}&amp;epa={surgery["epa"].pk}'
                  f'&amp;request={request.pk}')
    assert assess_now in page and ">Assess now<" in page
    assert reverse("assessments:request_decline", args=[request.pk]) in page
    assert reverse("assessments:request_cancel", args=[request.pk]) not in page

    client.force_login(surgery["riley"].user)
    page = client.get(url).content.decode()
    assert ">Assess now<" not in page and reverse("assessments:request_decline", args=[request.pk]) not in page
    assert reverse("assessments:request_cancel", args=[request.pk]) in page


def test_assess_now_opens_the_form_prefilled_and_saving_it_completes_that_request(client, surgery):
    older = _open_request(surgery, age_days=2)  # same learner and EPA: "Assess now" answers the one clicked
    request = _open_request(surgery, case_date=timezone.localdate() - datetime.timedelta(days=1),
                            case_type=surgery["case_type"])
    client.force_login(surgery["faith"])
    url = (f'{reverse("assessments:new")}?learner={surgery["riley"].pk}&epa={surgery["epa"].pk}'
           f"&request={request.pk}")
    form = client.get(url).content.decode()
    assert f'<option value="{surgery["riley"].pk}" selected>' in form
    assert f'<option value="{surgery["epa"].pk}" selected>' in form
    assert f'<option value="{surgery["case_type"].pk}" selected>' in form
    assert f'value="{request.case_date.isoformat()}"' in form

    response = client.post(url, _assessment_data(surgery, assessment_date=request.case_date.isoformat()))
    assert response.status_code == 302
    assessment = EPAAssessment.objects.for_company(request.company_id).get()
    assert assessment.request_id == request.pk and assessment.entry_method == "web"
    assert _status(request) == "completed" and request.completed_at is not None
    assert _status(older) == "open"


def test_charlie_from_another_program_gets_no_prefill_from_faiths_request(client, surgery):
    request = _open_request(surgery)
    charlie = FacultyFactory(program=surgery["program"], user__first_name="Charlie").user
    client.force_login(charlie)
    url = f'{reverse("assessments:new")}?request={request.pk}'
    form = client.get(url).content.decode()
    assert f'<option value="{surgery["riley"].pk}" selected>' not in form
    client.post(url, _assessment_data(surgery, epa=surgery["other_epa"].pk))
    assert _status(request) == "open"  # not his request, not his EPA


# ------------------------------------------------------------------ the matching open request closes
def test_assessing_riley_on_the_same_epa_through_assess_a_learner_closes_the_oldest_open_request(client, surgery):
    oldest = _open_request(surgery, age_days=5)
    newer = _open_request(surgery, age_days=1)
    other_epa = _open_request(surgery, epa=surgery["other_epa"], age_days=9)
    other_faculty = FacultyFactory(program=surgery["program"]).user
    someone_elses = _open_request(surgery, assessor=other_faculty, age_days=9)

    client.force_login(surgery["faith"])
    assert client.post(reverse("assessments:new"), _assessment_data(surgery)).status_code == 302
    first = EPAAssessment.objects.for_company(oldest.company_id).get()
    assert first.request_id == oldest.pk
    assert [_status(r) for r in (oldest, newer, other_epa, someone_elses)] == ["completed", "open", "open", "open"]
    assert AuditLog.objects.unscoped().filter(action="assessment_request.complete",
                                              entity_id=str(oldest.pk)).exists()

    assert client.post(reverse("assessments:new"), _assessment_data(surgery)).status_code == 302
    assert [_status(r) for r in (newer, other_epa, someone_elses)] == ["completed", "open", "open"]


def test_an_assessment_through_the_api_closes_the_matching_open_request_too(client, surgery):
    request = _open_request(surgery)
    client.force_login(surgery["faith"])
    response = client.post("/api/assessments/", _assessment_data(surgery, learner=str(surgery["riley"].pk)),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["request"] == str(request.pk) and _status(request) == "completed"


# ------------------------------------------------------------------ Decline
def test_faith_declines_with_a_reason_and_riley_is_told_why(client, surgery, django_capture_on_commit_callbacks):
    request = _open_request(surgery)
    client.force_login(surgery["faith"])
    url = reverse("assessments:request_decline", args=[request.pk])

    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400 and b"This field is required" in empty.content
    assert _status(request) == "open"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "I was not in theatre that day"})
    assert response.status_code == 302
    assert _status(request) == "declined" and request.decline_reason == "I was not in theatre that day"
    assert AuditLog.objects.unscoped().filter(action="assessment_request.decline", entity_id=str(request.pk)).exists()
    told = Notification.objects.for_company(request.company_id).filter(user=surgery["riley"].user,
                                                                      kind="request_declined")
    assert told.filter(channel="in_app").exists()
    assert all("I was not in theatre that day" in n.message for n in told)

    client.logout()
    dead = client.get(request_link_path(request))
    assert dead.status_code == 410 and b"This request was declined" in dead.content
    client.force_login(surgery["riley"].user)
    page = client.get(reverse("assessments:request_detail", args=[request.pk])).content.decode()
    assert "Declined" in page and "I was not in theatre that day" in page


def test_only_the_faculty_member_asked_may_decline(client, surgery):
    request = _open_request(surgery)
    url = reverse("assessments:request_decline", args=[request.pk])
    for person in (surgery["riley"].user, surgery["cora"]):
        client.force_login(person)
        assert client.post(url, {"reason": "No"}).status_code == 403
    assert _status(request) == "open"


# ------------------------------------------------------------------ Cancel
def test_riley_cancels_his_open_request_and_its_link_stops_working(client, surgery):
    request = _open_request(surgery)
    url = reverse("assessments:request_cancel", args=[request.pk])
    client.force_login(surgery["faith"])
    assert client.post(url).status_code == 403

    client.force_login(surgery["riley"].user)
    response = client.post(url, follow=True)
    assert response.status_code == 200 and b"Request cancelled" in response.content
    assert _status(request) == "cancelled"
    assert AuditLog.objects.unscoped().filter(action="assessment_request.cancel", entity_id=str(request.pk)).exists()
    again = client.post(url, follow=True)
    assert b"This request is already cancelled" in again.content
    client.logout()
    assert client.get(request_link_path(request)).status_code == 410


# ------------------------------------------------------------------ one definition of overdue
def test_the_board_the_to_do_and_the_reminders_agree_on_which_requests_are_overdue(client, surgery):
    program = surgery["program"]
    program.reminder_first_after_days = 3
    program.save()
    requests = {age: _open_request(surgery, age_days=age, note=f"aged {age} days") for age in (0, 2, 3, 5)}
    _open_request(surgery, age_days=9, status="completed")  # not open: never overdue

    client.force_login(surgery["cora"])
    assert client.get(reverse("assessments:board")).context["board"]["overdue"] == 2

    client.force_login(surgery["faith"])
    todo = client.get(reverse("assessments:index"))
    marked = [r for r in todo.context["open_requests"] if r.is_overdue]
    assert {r.pk for r in marked} == {requests[3].pk, requests[5].pk}
    assert todo.content.decode().count('class="badge overdue"') == 2
    assert b"2 overdue" in client.get(reverse("home")).content

    assert jobs.assessment_request_remind_due(company_id=program.company_id) == 2
    assert {r.pk for r in requests.values() if (r.refresh_from_db() or r.reminder_count)} == {
        requests[3].pk, requests[5].pk}

    program.reminder_first_after_days = 1  # one setting moves all three
    program.save()
    client.force_login(surgery["cora"])
    assert client.get(reverse("assessments:board")).context["board"]["overdue"] == 3
    client.force_login(surgery["faith"])
    assert client.get(reverse("assessments:index")).content.decode().count('class="badge overdue"') == 3
    assert jobs.assessment_request_remind_due(company_id=program.company_id) == 1  # the newly overdue one
