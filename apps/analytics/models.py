"""Read models over the analytics materialized views (see migration 0002 and docs/analytics.md).

The views are created and refreshed in SQL; Django never writes them (``managed = False``).
Each carries ``company_id``, so the fail-closed ``TenantManager`` applies: always
``.for_company(company)``. ``AnalyticsRefresh`` records when each view was last refreshed, so
pages can say "as of <time>"."""

from django.db import models

from apps.core.scoping import TenantManager

# Views refreshed by apps.analytics.services.analytics_refresh, in this order.
ANALYTICS_VIEWS = ("resident_epa_progress", "program_assessment_metrics", "program_faculty_engagement")


class _ViewFK(models.ForeignKey):
    """A foreign key column of a materialized view: no constraint, never cascades."""

    def __init__(self, to, **kwargs):
        kwargs.setdefault("on_delete", models.DO_NOTHING)
        kwargs.setdefault("db_constraint", False)
        kwargs.setdefault("related_name", "+")
        super().__init__(to, **kwargs)


class ResidentEPAProgress(models.Model):
    """One row per learner × EPA: how far the learner has come on that EPA."""

    id = models.TextField(primary_key=True)  # "<learner_id>:<epa_id>", stable across refreshes
    company = _ViewFK("tenants.Company")
    program = _ViewFK("academics.Program")
    learner = _ViewFK("academics.Learner")
    epa = _ViewFK("reference.EPA")
    assessment_count = models.IntegerField()
    first_date = models.DateField()
    latest_date = models.DateField()
    latest_level = models.SmallIntegerField()
    highest_level = models.SmallIntegerField()
    median_level = models.FloatField()
    count_last_90_days = models.IntegerField()
    level_trend = models.FloatField(help_text="Least-squares slope of level over time, in levels per 30 days")

    objects = TenantManager()

    class Meta:
        managed = False
        db_table = "resident_epa_progress"


class ProgramAssessmentMetrics(models.Model):
    """One row per program × calendar month (month of the case date; requests: month created)."""

    id = models.TextField(primary_key=True)  # "<program_id>:<YYYY-MM>"
    company = _ViewFK("tenants.Company")
    program = _ViewFK("academics.Program")
    month = models.DateField()
    assessments = models.IntegerField()
    learners_assessed = models.IntegerField()
    faculty_active = models.IntegerField()
    median_days_case_to_submission = models.FloatField(null=True)
    useful_narrative_share = models.FloatField(null=True, help_text="Share of narratives ≥ 100 characters")
    tag_uses = models.IntegerField()
    requests_created = models.IntegerField()
    requests_completed = models.IntegerField()
    request_completion_rate = models.FloatField(null=True)

    objects = TenantManager()

    class Meta:
        managed = False
        db_table = "program_assessment_metrics"


class ProgramFacultyEngagement(models.Model):
    """One row per program × assessor: who assesses, how often, how quickly."""

    id = models.TextField(primary_key=True)  # "<program_id>:<assessor_id>"
    company = _ViewFK("tenants.Company")
    program = _ViewFK("academics.Program")
    assessor = _ViewFK("tenants.User")
    assessments = models.IntegerField()
    assessments_last_90_days = models.IntegerField()
    latest_date = models.DateField()
    median_days_to_submit = models.FloatField()

    objects = TenantManager()

    class Meta:
        managed = False
        db_table = "program_faculty_engagement"


class AnalyticsRefresh(models.Model):
    """Platform-wide bookkeeping (not tenant data): the last refresh of each view."""

    view_name = models.CharField(max_length=100, unique=True)
    refreshed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["view_name"]

    def __str__(self):
        return f"{self.view_name} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
