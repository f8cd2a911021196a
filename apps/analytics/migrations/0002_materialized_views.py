"""The analytics materialized views (hand-written SQL over the assessments tables) with the unique
indexes REFRESH … CONCURRENTLY needs, and the beat row that refreshes them every 10 minutes."""

from django.db import migrations

# level_trend = regr_slope(level, day number) × 30: the least-squares slope in levels per 30 days
# (0 with a single assessment or all on one day). Soft-deleted assessments are excluded everywhere.
# "Useful narrative" = narrative_feedback of at least 100 characters. Dates use the session time
# zone of the refreshing connection (UTC under Django). count_last_90_days is relative to the
# refresh time, not the page view.
RESIDENT_EPA_PROGRESS = """
CREATE MATERIALIZED VIEW resident_epa_progress AS
SELECT a.learner_id::text || ':' || a.epa_id::text AS id,
       a.company_id, a.program_id, a.learner_id, a.epa_id,
       count(*)::int AS assessment_count,
       min(a.assessment_date) AS first_date,
       max(a.assessment_date) AS latest_date,
       (array_agg(a.entrustment_level ORDER BY a.assessment_date DESC, a.submitted_at DESC))[1]::smallint
           AS latest_level,
       max(a.entrustment_level)::smallint AS highest_level,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.entrustment_level) AS median_level,
       (count(*) FILTER (WHERE a.assessment_date >= current_date - 90))::int AS count_last_90_days,
       coalesce(regr_slope(a.entrustment_level, a.assessment_date - DATE '2000-01-01') * 30, 0)::float8
           AS level_trend
  FROM assessments_epaassessment a
 WHERE a.deleted_at IS NULL
 GROUP BY a.company_id, a.program_id, a.learner_id, a.epa_id;
CREATE UNIQUE INDEX resident_epa_progress_key ON resident_epa_progress (learner_id, epa_id, program_id, company_id);
CREATE INDEX resident_epa_progress_company ON resident_epa_progress (company_id, program_id, learner_id);
CREATE UNIQUE INDEX resident_epa_progress_id ON resident_epa_progress (id);
"""

PROGRAM_ASSESSMENT_METRICS = """
CREATE MATERIALIZED VIEW program_assessment_metrics AS
WITH assessed AS (
    SELECT a.company_id, a.program_id, date_trunc('month', a.assessment_date)::date AS month,
           count(*)::int AS assessments,
           count(DISTINCT a.learner_id)::int AS learners_assessed,
           count(DISTINCT a.assessor_id)::int AS faculty_active,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY (a.submitted_at::date - a.assessment_date))
               AS median_days_case_to_submission,
           avg(CASE WHEN length(a.narrative_feedback) >= 100 THEN 1.0 ELSE 0.0 END)::float8
               AS useful_narrative_share
      FROM assessments_epaassessment a
     WHERE a.deleted_at IS NULL
     GROUP BY 1, 2, 3
), tagged AS (
    SELECT a.company_id, a.program_id, date_trunc('month', a.assessment_date)::date AS month,
           count(*)::int AS tag_uses
      FROM assessments_assessmentfeedbacktag t
      JOIN assessments_epaassessment a ON a.id = t.assessment_id
     WHERE a.deleted_at IS NULL
     GROUP BY 1, 2, 3
), requested AS (
    SELECT r.company_id, l.program_id, date_trunc('month', r.created_at)::date AS month,
           count(*)::int AS requests_created,
           (count(*) FILTER (WHERE r.status = 'completed'))::int AS requests_completed
      FROM assessments_assessmentrequest r
      JOIN academics_learner l ON l.id = r.learner_id
     GROUP BY 1, 2, 3
)
SELECT k.program_id::text || ':' || to_char(k.month, 'YYYY-MM') AS id,
       k.company_id, k.program_id, k.month,
       coalesce(s.assessments, 0) AS assessments,
       coalesce(s.learners_assessed, 0) AS learners_assessed,
       coalesce(s.faculty_active, 0) AS faculty_active,
       s.median_days_case_to_submission,
       s.useful_narrative_share,
       coalesce(t.tag_uses, 0) AS tag_uses,
       coalesce(q.requests_created, 0) AS requests_created,
       coalesce(q.requests_completed, 0) AS requests_completed,
       (q.requests_completed::float8 / nullif(q.requests_created, 0)) AS request_completion_rate
  FROM (SELECT company_id, program_id, month FROM assessed
        UNION SELECT company_id, program_id, month FROM requested) k
  LEFT JOIN assessed s USING (company_id, program_id, month)
  LEFT JOIN tagged t USING (company_id, program_id, month)
  LEFT JOIN requested q USING (company_id, program_id, month);
CREATE UNIQUE INDEX program_assessment_metrics_key ON program_assessment_metrics (program_id, month, company_id);
CREATE INDEX program_assessment_metrics_company ON program_assessment_metrics (company_id, program_id, month);
CREATE UNIQUE INDEX program_assessment_metrics_id ON program_assessment_metrics (id);
"""

PROGRAM_FACULTY_ENGAGEMENT = """
CREATE MATERIALIZED VIEW program_faculty_engagement AS
SELECT a.program_id::text || ':' || a.assessor_id::text AS id,
       a.company_id, a.program_id, a.assessor_id,
       count(*)::int AS assessments,
       (count(*) FILTER (WHERE a.assessment_date >= current_date - 90))::int AS assessments_last_90_days,
       max(a.assessment_date) AS latest_date,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (a.submitted_at::date - a.assessment_date))
           AS median_days_to_submit
  FROM assessments_epaassessment a
 WHERE a.deleted_at IS NULL
 GROUP BY a.company_id, a.program_id, a.assessor_id;
CREATE UNIQUE INDEX program_faculty_engagement_key ON program_faculty_engagement (program_id, assessor_id, company_id);
CREATE INDEX program_faculty_engagement_company ON program_faculty_engagement (company_id, program_id);
CREATE UNIQUE INDEX program_faculty_engagement_id ON program_faculty_engagement (id);
"""

REFRESH_TASK = "refresh-analytics-views"


def schedule_refresh(apps, schema_editor):
    """Every 10 minutes; editable in the admin (django_celery_beat)."""
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_model.objects.get_or_create(every=10, period="minutes")
    task_model.objects.get_or_create(name=REFRESH_TASK, defaults={
        "task": "apps.assessments.analytics_tasks.refresh_analytics", "interval": every})


def unschedule_refresh(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REFRESH_TASK).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0001_initial"),
        ("assessments", "0001_initial"),
        ("academics", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunSQL(RESIDENT_EPA_PROGRESS, "DROP MATERIALIZED VIEW IF EXISTS resident_epa_progress"),
        migrations.RunSQL(PROGRAM_ASSESSMENT_METRICS,
                          "DROP MATERIALIZED VIEW IF EXISTS program_assessment_metrics"),
        migrations.RunSQL(PROGRAM_FACULTY_ENGAGEMENT,
                          "DROP MATERIALIZED VIEW IF EXISTS program_faculty_engagement"),
        migrations.RunPython(schedule_refresh, unschedule_refresh),
    ]
