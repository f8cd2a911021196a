"""After Faith submits, Riley's analytics page reflects it: at once in eager (demo) mode."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.assessments.test_form import _post


@pytest.fixture(autouse=True)
def _no_debounce():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_rileys_progress_page_shows_faiths_assessment_right_after_she_submits(
        client, surgery, django_capture_on_commit_callbacks):
    riley = surgery["riley"]
    progress_url = reverse("analytics_learner_progress", args=[riley.pk])
    for level in (2, 3):
        client.force_login(surgery["faith"])
        with django_capture_on_commit_callbacks(execute=True):
            response, _ = _post(client, surgery, entrustment_level=level)
        assert response.status_code == 302
        client.force_login(riley.user)
        page = client.get(progress_url).content.decode()
        assert "Appendicitis" in page
    from apps.analytics.models import ResidentEPAProgress

    row = ResidentEPAProgress.objects.for_company(riley.company_id).get(learner_id=riley.pk)
    assert (row.assessment_count, row.latest_level, row.highest_level) == (2, 3, 3)


@pytest.mark.django_db
def test_the_learner_is_notified_by_a_task_and_not_at_all_if_the_assessment_was_deleted_first(
        client, surgery, django_capture_on_commit_callbacks):
    import uuid

    from apps.assessments.jobs import assessment_notify_learner
    from apps.notifications.models import Notification

    riley = surgery["riley"]
    client.force_login(surgery["faith"])
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, surgery)
    assert Notification.objects.for_company(riley.company_id).filter(
        user=riley.user, kind="assessment_received").count() == 2  # in-app and e-mail
    assert assessment_notify_learner(company_id=riley.company_id, assessment_id=uuid.uuid4()) is False
