"""Riley asks Faith for an assessment; Faith answers through the signed, single-use link."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.assessments import jobs, services
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.signing import request_link_path, request_link_token
from apps.audit.models import AuditLog
from apps.notifications.models import Notification
from tests.factories import AssessmentRequestFactory, FacultyFactory


def _request(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["riley"].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:request_new"), {
            "submission_key": str(uuid.uuid4()), "epa": world["epa"].pk, "assessor": world["faith"].pk,
            "case_date": timezone.localdate().isoformat(), "note": "Appendectomy, bed 4"})
    assert response.status_code == 302
    client.logout()
    return AssessmentRequest.objects.for_company(world["program"].company).get()


def _answer(client, path, **extra):
    data = {"submission_key": str(uuid.uuid4()), "entrustment_level": 2,
            "assessment_date": timezone.localdate().isoformat(), "narrative_feedback": "Good"}
    data.update(extra)
    return client.post(path, data), data


@pytest.mark.django_db
def test_riley_requests_and_faith_answers_through_the_link_without_signing_in(
        client, surgery, django_capture_on_commit_callbacks):
    request = _request(client, surgery, django_capture_on_commit_callbacks)
    email = Notification.objects.for_company(request.company).get(user=surgery["faith"], channel="email")
    path = re.search(r"(/assessments/link/[^/]+/)", email.message).group(1)

    client.force_login(surgery["riley"].user)
    page = client.get(reverse("assessments:request_detail", args=[request.pk]))
    assert b'src="data:image/svg+xml' in page.content and b"/assessments/link/" in page.content
    client.logout()

    form = client.get(path)
    assert form.status_code == 200 and b"Riley" in form.content
    assert AuditLog.objects.unscoped().filter(action="assessment_request.open_link", entity_id=str(request.pk)).exists()
    done, data = _answer(client, path)
    assert done.status_code == 200 and b"Thank you" in done.content
    assessment = EPAAssessment.objects.for_company(request.company).get()
    assert assessment.entry_method == "link" and assessment.assessor == surgery["faith"]
    request.refresh_from_db()
    assert request.status == "completed" and request.link_used_at is not None
    assert "_auth_user_id" not in client.session, "the link never signs the visitor in"

    again = client.post(path, data)  # a double tap: same key, same record, same thanks
    assert again.status_code == 200 and EPAAssessment.objects.for_company(request.company).count() == 1
    reused = client.get(path)
    assert reused.status_code == 410 and b"This link has already been used" in reused.content


@pytest.mark.django_db
def test_an_expired_link_says_when_it_expired(client, surgery):
    request = AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                                       expires_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(request_link_path(request))
    assert response.status_code == 410 and b"This link expired on" in response.content
    assert _answer(client, request_link_path(request))[0].status_code == 410
    assert not EPAAssessment.objects.for_company(request.company).exists()


@pytest.mark.django_db
def test_the_link_only_works_for_its_own_assessor(client, surgery):
    request = AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])
    other = FacultyFactory(program=surgery["program"]).user
    client.force_login(other)
    assert client.get(request_link_path(request)).status_code == 404
    tampered = request_link_token(request)[:-2] + "xx"
    client.logout()
    assert client.get(reverse("assessments:link", args=[tampered])).status_code == 404


@pytest.mark.django_db
def test_faith_can_have_only_so_many_open_requests(surgery):
    surgery["program"].max_open_requests_per_assessor = 1
    surgery["program"].save()
    kwargs = dict(learner_user=surgery["riley"].user, learner=surgery["riley"], assessor=surgery["faith"],
                  epa=surgery["epa"], case_date=timezone.localdate())
    services.assessment_request_create(**kwargs)
    with pytest.raises(services.ValidationError) as error:
        services.assessment_request_create(**kwargs)
    assert "assessor" in error.value.message_dict


@pytest.mark.django_db
def test_reminders_follow_the_program_schedule_and_expiry_closes_requests(
        surgery, django_capture_on_commit_callbacks):
    company_id = surgery["program"].company_id
    fresh = AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])
    stale = AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])
    AssessmentRequest.objects.for_company(company_id).filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.assessment_request_remind_due(company_id=company_id) == 1
        assert jobs.assessment_request_remind_due(company_id=company_id) == 0, "every 1 day, not every run"
    stale.refresh_from_db()
    assert stale.reminder_count == 1 and fresh.reminder_count == 0
    assert Notification.objects.for_company(company_id).filter(kind="assessment_reminder").count() == 2

    AssessmentRequest.objects.for_company(company_id).filter(pk=fresh.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.assessment_request_expire_due(company_id=company_id) == 1
    fresh.refresh_from_db()
    assert fresh.status == "expired"
    assert Notification.objects.for_company(company_id).filter(kind="request_expired",
                                                                user=surgery["riley"].user).count() == 1


@pytest.mark.django_db
def test_the_periodic_tasks_run_for_every_company(surgery):
    from django_celery_beat.models import PeriodicTask

    from apps.assessments.tasks import expire_assessment_requests, send_assessment_reminders

    assert PeriodicTask.objects.filter(task="apps.notifications.tasks.send_assessment_reminders").exists()
    request = AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                                       expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert expire_assessment_requests.delay().get()[str(request.company_id)] == 1
    assert send_assessment_reminders.delay().get()[str(request.company_id)] == 0
