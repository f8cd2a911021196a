"""Milestones and the Clinical Competency Committee (issue 18).

* ``EvidenceMapping``: which EPAs inform which subcompetency, with a weight (a program edits it).
* ``CCCMeeting`` with its members (attendance) and the residents it reviews.
* ``ResidentReview``: the committee's review of one resident at one meeting.
* ``MilestoneAssessment``: the level decided per resident, subcompetency, academic year and period.
* ``PacketJob``: the PDF of every packet of a meeting, built by a Celery task (progress shown).
"""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

MIN_FACULTY_MEMBERS = 3  # ACGME: a program's CCC has at least three faculty members


class Period(models.TextChoices):
    MID_YEAR = "mid_year", "Mid-year"
    YEAR_END = "year_end", "Year-end"


class MilestoneLevel(models.TextChoices):
    """The boxes of the ACGME milestone form: level 1 to 5 in half steps, plus the two boxes
    outside the scale."""

    NOT_YET_COMPLETED = "nyc", "Not yet completed level 1"
    L1 = "1", "1"
    L1_5 = "1.5", "1.5"
    L2 = "2", "2"
    L2_5 = "2.5", "2.5"
    L3 = "3", "3"
    L3_5 = "3.5", "3.5"
    L4 = "4", "4"
    L4_5 = "4.5", "4.5"
    L5 = "5", "5"
    NOT_YET_ASSESSABLE = "na", "Not yet assessable"


def level_value(code: str) -> Decimal | None:
    """The numeric level of a box (None for the two boxes outside the scale)."""
    if code in (MilestoneLevel.NOT_YET_COMPLETED, MilestoneLevel.NOT_YET_ASSESSABLE, "", None):
        return None
    return Decimal(code)


def period_window(academic_year, period) -> tuple[datetime.date, datetime.date]:
    """Mid-year: the academic year's first six months; year-end: the rest of the year."""
    start = academic_year.start_date
    month = start.month + 6
    middle = datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    if start.day != 1:
        middle = middle.replace(day=min(start.day, 28))
    if period == Period.MID_YEAR:
        return start, middle - datetime.timedelta(days=1)
    return middle, academic_year.end_date


class EvidenceMapping(TenantModel, TimestampedModel):
    """An EPA counted as evidence for a subcompetency, with a weight (docs/ccc.md)."""

    company_from = "program"
    program = models.ForeignKey("academics.Program", on_delete=models.CASCADE, related_name="ccc_mappings")
    epa = models.ForeignKey("reference.EPA", on_delete=models.PROTECT, related_name="+")
    milestone = models.ForeignKey("reference.Milestone", on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))])
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone__display_order", "epa__number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "program", "epa", "milestone"], name="ccc_mapping_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=10), name="ccc_mapping_weight_range"),
        ]

    def __str__(self):
        return f"{self.epa} → {self.milestone.subcompetency_code} × {self.weight}"


class CCCMeeting(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    company_from = "program"
    program = models.ForeignKey("academics.Program", on_delete=models.PROTECT, related_name="ccc_meetings")
    academic_year = models.ForeignKey("academics.AcademicYear", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=20, choices=Period.choices)
    date = models.DateField()
    chair = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(blank=True, help_text="The committee's minutes: never shown to residents")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "CCC meeting"
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="completed") | Q(completed_at__isnull=False),
                                   name="ccc_meeting_completed_has_time"),
        ]
        indexes = [models.Index(fields=["company", "program", "-date"], name="ccc_meeting_program_date")]

    def __str__(self):
        return f"{self.program} CCC {self.get_period_display()} {self.academic_year.name} ({self.date})"

    @property
    def window(self):
        return period_window(self.academic_year, self.period)


class MeetingMember(TenantModel):
    company_from = "meeting"
    meeting = models.ForeignKey(CCCMeeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(null=True, blank=True, help_text="Blank until attendance is taken")
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="ccc_member_once")]

    def __str__(self):
        return str(self.user)


class MeetingResident(TenantModel):
    company_from = "meeting"
    meeting = models.ForeignKey(CCCMeeting, on_delete=models.CASCADE, related_name="residents")
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "learner"], name="ccc_resident_once")]

    def __str__(self):
        return str(self.learner)


class ResidentReview(TenantModel, TimestampedModel):
    class Performance(models.TextChoices):
        ABOVE = "above", "Above expected for training level"
        AS_EXPECTED = "as_expected", "As expected for training level"
        BELOW = "below", "Below expected for training level"

    class Recommendation(models.TextChoices):
        PROMOTE = "promote", "Promote"
        PROMOTE_WITH_CONDITIONS = "promote_with_conditions", "Promote with conditions"
        DO_NOT_PROMOTE = "do_not_promote", "Do not promote"
        GRADUATE = "graduate", "Graduate"

    company_from = "meeting"
    meeting = models.ForeignKey(CCCMeeting, on_delete=models.CASCADE, related_name="reviews")
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="ccc_reviews")
    overall_performance = models.CharField(max_length=20, choices=Performance.choices)
    promotion_recommendation = models.CharField(max_length=30, choices=Recommendation.choices)
    strengths = models.TextField(blank=True)
    areas_for_improvement = models.TextField(blank=True)
    remediation = models.BooleanField(default=False)
    remediation_plan = models.TextField(blank=True)
    follow_up_date = models.DateField(null=True, blank=True)
    follow_up_reminded_on = models.DateField(null=True, blank=True)
    discussion_notes = models.TextField(blank=True, help_text="The committee's discussion: never shown to the resident")
    recorded_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True, help_text="Set when the meeting completes")
    history = HistoricalRecords()

    class Meta:
        ordering = ["learner__user__last_name", "learner__user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "learner"], name="ccc_review_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(remediation=False) | (~Q(remediation_plan="") & Q(follow_up_date__isnull=False)),
                name="ccc_review_remediation_has_plan_and_date"),
        ]
        indexes = [models.Index(fields=["learner", "-finalised_at"], name="ccc_review_learner_final")]

    def __str__(self):
        return f"Review of {self.learner} ({self.meeting.date})"


class MilestoneAssessment(TenantModel, TimestampedModel):
    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="milestone_assessments")
    milestone = models.ForeignKey("reference.Milestone", on_delete=models.PROTECT, related_name="+")
    academic_year = models.ForeignKey("academics.AcademicYear", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=20, choices=Period.choices)
    level = models.CharField(max_length=4, choices=MilestoneLevel.choices)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(CCCMeeting, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="milestone_assessments")
    reported_at = models.DateTimeField(null=True, blank=True, help_text="Marked reported: changes need a reason")
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone__display_order"]
        constraints = [
            models.UniqueConstraint(fields=["company", "learner", "milestone", "academic_year", "period"],
                                    name="ccc_milestone_level_once_per_period"),
            models.CheckConstraint(condition=Q(level__in=[code for code, _ in MilestoneLevel.choices]),
                                   name="ccc_milestone_level_is_a_box"),
        ]
        indexes = [models.Index(fields=["learner", "academic_year", "period"], name="ccc_level_learner_period")]

    def __str__(self):
        return f"{self.learner} {self.milestone.subcompetency_code} {self.level}"

    @property
    def is_reported(self) -> bool:
        return self.reported_at is not None


class PacketJob(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    company_from = "meeting"
    meeting = models.ForeignKey(CCCMeeting, on_delete=models.CASCADE, related_name="packet_jobs")
    requested_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    audit_exclude = ("pdf",)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="ccc_job_done_le_total")]

    def __str__(self):
        return f"Packets for {self.meeting_id}: {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)
