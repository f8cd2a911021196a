"""The materialized views: what they count, whose rows they show, and how they refresh."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from apps.analytics.models import AnalyticsRefresh, ProgramAssessmentMetrics, ResidentEPAProgress
from apps.analytics.services import REFRESH_LOCK_KEY, analytics_refresh
from apps.analytics.tasks import schedule_analytics_refresh
from tests.analytics.factories import AnalyticsAssessmentFactory, AnalyticsRequestFactory
from tests.factories import FeedbackTagFactory

pytestmark = pytest.mark.django_db


def test_rachels_progress_counts_levels_and_ignores_soft_deleted_assessments(rachel, assess, epas):
    today = timezone.localdate()
    assess(entrustment_level=1, assessment_date=today - datetime.timedelta(days=200))
    assess(entrustment_level=2, assessment_date=today - datetime.timedelta(days=100))
    assess(entrustment_level=4, assessment_date=today - datetime.timedelta(days=10))
    assess(entrustment_level=5, assessment_date=today - datetime.timedelta(days=1), deleted_at=timezone.now())

    assert analytics_refresh(concurrently=False) == "refreshed"

    row = ResidentEPAProgress.objects.for_company(rachel.company).get(learner=rachel, epa=epas[0])
    assert (row.assessment_count, row.latest_level, row.highest_level, row.median_level) == (3, 4, 4, 2.0)
    assert row.count_last_90_days == 1
    assert row.first_date == today - datetime.timedelta(days=200)
    assert row.level_trend > 0


def test_program_metrics_count_useful_narratives_tags_and_requests(program, rachel, assess):
    this_month = timezone.localdate().replace(day=1)
    tagged = assess(assessment_date=this_month, narrative_feedback="x" * 100)
    assess(assessment_date=this_month, narrative_feedback="short")
    tagged.tag_links.create(tag=FeedbackTagFactory(), tag_type="went_well")
    AnalyticsRequestFactory(learner=rachel, status="completed")
    AnalyticsRequestFactory(learner=rachel)

    analytics_refresh(concurrently=False)

    month = ProgramAssessmentMetrics.objects.for_company(program.company).get(program=program, month=this_month)
    assert (month.assessments, month.learners_assessed, month.faculty_active, month.tag_uses) == (2, 1, 1, 1)
    assert month.useful_narrative_share == 0.5
    assert (month.requests_created, month.requests_completed, month.request_completion_rate) == (2, 1, 0.5)


def test_views_never_show_another_companys_rows(rachel, assess, southbay_learner):
    assess()
    AnalyticsAssessmentFactory(learner=southbay_learner)
    analytics_refresh(concurrently=False)

    northwind_rows = ResidentEPAProgress.objects.for_company(rachel.company)
    assert [row.learner_id for row in northwind_rows] == [rachel.pk]
    assert not ProgramAssessmentMetrics.objects.for_company(rachel.company).filter(
        program=southbay_learner.program).exists()


def test_concurrent_refresh_works_because_each_view_has_a_unique_index(assess):
    assess()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename IN ('resident_epa_progress', "
                       "'program_assessment_metrics', 'program_faculty_engagement') AND indexdef LIKE 'CREATE UNIQUE%%'")
        assert cursor.fetchone()[0] == 6

    assert analytics_refresh(concurrently=True) == "refreshed"

    assert ResidentEPAProgress.objects.unscoped().count() == 1
    assert set(AnalyticsRefresh.objects.values_list("view_name", flat=True)) == {
        "resident_epa_progress", "program_assessment_metrics", "program_faculty_engagement"}


def test_a_second_refresh_while_one_runs_is_skipped(assess):
    assess()
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [REFRESH_LOCK_KEY])
        assert analytics_refresh() == "skipped"
        assert not ResidentEPAProgress.objects.unscoped().exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK_KEY])
    finally:
        other.close()
    assert analytics_refresh(concurrently=False) == "refreshed"


def test_in_eager_mode_every_scheduled_refresh_runs_at_once(assess, epas):
    assess()
    assert schedule_analytics_refresh() is True
    assert ResidentEPAProgress.objects.unscoped().count() == 1
    assess(epa=epas[1])
    assert schedule_analytics_refresh() is True
    assert ResidentEPAProgress.objects.unscoped().count() == 2


def test_with_a_broker_refreshes_are_debounced_to_one_per_minute(monkeypatch):
    from config.celery import app

    queued = []
    monkeypatch.setattr("apps.analytics.tasks.refresh_analytics.apply_async",
                        lambda **kwargs: queued.append(kwargs))
    app.conf.task_always_eager = False  # restored by the autouse fixture in tests/conftest.py
    assert schedule_analytics_refresh() is True
    assert schedule_analytics_refresh() is False
    assert queued == [{"countdown": 30}]


def test_beat_refreshes_the_views_every_ten_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="refresh-analytics-views")
    assert task.task == "apps.assessments.analytics_tasks.refresh_analytics"
    assert (task.interval.every, task.interval.period) == (10, "minutes")
