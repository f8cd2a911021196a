"""After submission: edit window, acknowledgement, soft delete and restore."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.analytics.services import analytics_refresh
from apps.assessments import services
from apps.assessments.models import EPAAssessment
from apps.audit.models import AuditLog
from tests.factories import EPAAssessmentFactory


def _submitted(world):
    return services.assessment_submit(assessor=world["faith"], learner=world["riley"], epa=world["epa"],
                                      entrustment_level=2, assessment_date=timezone.localdate(),
                                      submission_key=uuid.uuid4(), entry_method="web")


@pytest.mark.django_db
def test_faith_edits_within_the_window_then_it_locks(client, surgery):
    assessment = _submitted(surgery)
    client.force_login(surgery["faith"])
    response = client.post(reverse("assessments:edit", args=[assessment.pk]), {
        "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(), "narrative_feedback": "Better"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.entrustment_level == 3 and assessment.edited and assessment.last_edited_at
    assert assessment.history.count() == 2

    EPAAssessment.objects.for_company(assessment.company).filter(pk=assessment.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=49))
    locked = client.post(reverse("assessments:edit", args=[assessment.pk]), {
        "entrustment_level": 1, "assessment_date": timezone.localdate().isoformat()})
    assert locked.status_code == 302
    assessment.refresh_from_db()
    assert assessment.entrustment_level == 3


@pytest.mark.django_db
def test_only_the_assessor_edits(client, surgery):
    assessment = _submitted(surgery)
    client.force_login(surgery["cora"])
    assert client.get(reverse("assessments:edit", args=[assessment.pk])).status_code == 403


@pytest.mark.django_db
def test_riley_acknowledges_his_feedback(client, surgery):
    assessment = _submitted(surgery)
    client.force_login(surgery["riley"].user)
    client.post(reverse("assessments:acknowledge", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.acknowledged_at is not None


@pytest.mark.django_db
def test_cora_deletes_with_a_reason_and_it_vanishes_then_restores(client, surgery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _submitted(surgery)
    client.force_login(surgery["riley"].user)
    progress = client.get("/assessments/progress/", follow=True)
    assert progress.context["progress"][0]["progress"].assessment_count == 1
    client.force_login(surgery["cora"])
    refused = client.post(reverse("assessments:delete", args=[assessment.pk]), {"reason": " "})
    assert refused.status_code == 302
    assert EPAAssessment.objects.for_company(assessment.company).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:delete", args=[assessment.pk]), {"reason": "Entered for the wrong resident"})
    assert not EPAAssessment.objects.for_company(assessment.company).exists()
    assert AuditLog.objects.unscoped().filter(action="assessment.soft_delete", entity_id=str(assessment.pk)).exists()

    client.force_login(surgery["riley"].user)
    assert b"Appendicitis" not in client.get(reverse("assessments:mine")).content
    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("epa-assessment-list")).json()["count"] == 0
    progress = client.get("/assessments/progress/", follow=True)  # the one progress page (analytics)
    assert progress.context["progress"][0]["progress"] is None  # the view was refreshed on delete

    client.force_login(surgery["cora"])
    board = client.get(reverse("assessments:board"))
    assert b"Entered for the wrong resident" in board.content
    client.post(reverse("assessments:restore", args=[assessment.pk]))
    assert EPAAssessment.objects.for_company(assessment.company).exists()
    assert AuditLog.objects.unscoped().filter(action="assessment.restore", entity_id=str(assessment.pk)).exists()


@pytest.mark.django_db
def test_faith_cannot_delete(client, surgery):
    assessment = _submitted(surgery)
    client.force_login(surgery["faith"])
    assert client.post(reverse("assessments:delete", args=[assessment.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_riley_sees_his_progress_as_a_chart(client, surgery):
    for days, level in ((30, 1), (10, 3), (1, 2)):
        EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                             entrustment_level=level, assessment_date=timezone.localdate() - datetime.timedelta(days))
    analytics_refresh(concurrently=False)
    client.force_login(surgery["riley"].user)
    response = client.get("/assessments/progress/", follow=True)  # the old address: one progress page
    assert response.redirect_chain[-1][0] == reverse("analytics_learner_progress", args=[surgery["riley"].pk])
    progress = response.context["progress"][0]["progress"]
    assert (progress.assessment_count, progress.latest_level, progress.highest_level) == (3, 2, 3)
    assert b"<svg" in response.content and b"polyline" in response.content


def _many(world, count):
    for _ in range(count):
        EPAAssessmentFactory(learner=world["riley"], assessor=world["faith"], epa=world["epa"])


@pytest.mark.django_db
@pytest.mark.parametrize("url_name,who", [("assessments:mine", "riley"), ("assessments:index", "faith"),
                                          ("epa-assessment-list", "faith"), ("assessments:board", "cora")])
def test_list_pages_do_not_grow_queries_with_data(client, surgery, django_assert_max_num_queries,
                                                  url_name, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = surgery["riley"].user if who == "riley" else surgery[who]
    client.force_login(user)
    _many(surgery, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _many(surgery, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200
