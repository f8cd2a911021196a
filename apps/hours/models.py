"""Clinical hours: students' time records (clock in/out, manual entries, approval) and residents'
work hours (entries checked by ``apps.hours.rules``), with the program's policy, the call roster
and planned shifts, week unlocks and compliance notes."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.hours import rules
from apps.tenants.models import TimestampedModel

KIND_CHOICES = [
    (rules.CLINICAL, "In-house clinical work"),
    (rules.IN_HOUSE_CALL, "In-house call"),
    (rules.HOME_CALL, "At-home call (available)"),
    (rules.HOME_CALL_WORKED, "At-home call: called in or working"),
    (rules.HOME_WORK, "Clinical work from home"),
    (rules.MOONLIGHT_INTERNAL, "Internal moonlighting"),
    (rules.MOONLIGHT_EXTERNAL, "External moonlighting"),
    (rules.EDUCATION, "Education"),
]
KIND_LABELS = dict(KIND_CHOICES)


class HoursPolicy(TenantModel, TimestampedModel):
    """A program's rules for time records and work hours. A program without a row uses the
    defaults (``HoursPolicy.for_program``)."""

    company_from = "program"
    program = models.OneToOneField("academics.Program", on_delete=models.CASCADE, related_name="hours_policy")
    time_zone = models.CharField(max_length=64, default="America/New_York",
                                 help_text="Local midnights of the 28-day windows and the week grid")
    auto_close_after_hours = models.PositiveSmallIntegerField(
        default=16, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="An open time record is closed (and flagged) this many hours after clock-in")
    manual_edit_window_days = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(90)],
        help_text="How many past days a student may still add manual time records for")
    max_hours_per_day = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("16.00"),
                                            validators=[MinValueValidator(Decimal("1")),
                                                        MaxValueValidator(Decimal("24"))])
    lock_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(52)],
        help_text="Weeks before the current one residents may still edit (1 = current and previous)")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "hours policies"
        constraints = [
            models.CheckConstraint(condition=Q(auto_close_after_hours__gte=1, auto_close_after_hours__lte=36),
                                   name="hours_policy_auto_close_1_36"),
            models.CheckConstraint(condition=Q(max_hours_per_day__gt=0, max_hours_per_day__lte=24),
                                   name="hours_policy_max_per_day"),
        ]

    def __str__(self):
        return f"Hours policy of {self.program}"

    @classmethod
    def for_program(cls, program):
        """The program's policy, or an unsaved one with the defaults."""
        try:
            return program.hours_policy
        except cls.DoesNotExist:
            return cls(program=program, company_id=program.company_id)


class RotationHours(TenantModel, TimestampedModel):
    """What a rotation type asks in hours: the required hours students must complete and the
    default working day that pre-fills residents' week grids."""

    company_from = "rotation_type"
    rotation_type = models.OneToOneField("academics.RotationType", on_delete=models.CASCADE,
                                         related_name="hours")
    required_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0"))])
    default_start = models.TimeField(null=True, blank=True)
    default_end = models.TimeField(null=True, blank=True, help_text="Before the start = ends the next day")
    default_weekdays = models.CharField(max_length=7, default="01234", blank=True,
                                        help_text="Days worked by default, 0 = Monday … 6 = Sunday")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "rotation hours"
        constraints = [
            models.CheckConstraint(condition=Q(required_hours__isnull=True) | Q(required_hours__gte=0),
                                   name="rotation_hours_required_not_negative"),
            models.CheckConstraint(condition=Q(default_weekdays__regex=r"^[0-6]*$"),
                                   name="rotation_hours_weekdays_digits"),
        ]

    def __str__(self):
        return f"Hours of {self.rotation_type}"


# ---------------------------------------------------------------- students' time records
class TimeRecord(TenantModel, TimestampedModel):
    """One stretch of time a student spent at a clinical site (seed 001 "time records")."""

    class Status(models.TextChoices):
        OPEN = "open", "Clocked in"
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        NEEDS_INFO = "needs_info", "Needs information"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        CLOCK = "clock", "Clock in / out"
        MANUAL = "manual", "Manual entry"

    company_from = "assignment"
    assignment = models.ForeignKey("academics.RotationAssignment", on_delete=models.PROTECT,
                                   related_name="time_records")
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="time_records")
    site = models.ForeignKey("tenants.Site", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="time_records")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CLOCK)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    clock_in = models.DateTimeField()
    clock_out = models.DateTimeField(null=True, blank=True)
    total_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    activity = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    # where and from what the clock was used (seed 001: GPS, IP, device)
    in_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    in_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    in_accuracy_m = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    in_distance_m = models.PositiveIntegerField(null=True, blank=True)
    in_ip = models.GenericIPAddressField(null=True, blank=True)
    in_user_agent = models.CharField(max_length=400, blank=True)
    out_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    out_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    out_accuracy_m = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    out_distance_m = models.PositiveIntegerField(null=True, blank=True)
    out_ip = models.GenericIPAddressField(null=True, blank=True)
    out_user_agent = models.CharField(max_length=400, blank=True)
    # flags: each a reason a reviewer should look twice
    flag_outside_geofence = models.BooleanField(default=False)
    flag_no_location = models.BooleanField(default=False)
    flag_auto_closed = models.BooleanField(default=False)
    flag_reason = models.TextField(blank=True, help_text="The student's reason for a flagged clock-in")
    decided_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why it was rejected or what is missing")
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner"], condition=Q(clock_out__isnull=True),
                                    name="time_record_one_open_per_learner"),
            models.UniqueConstraint(fields=["company", "submission_key"], name="time_record_unique_key"),
            models.CheckConstraint(condition=Q(clock_out__isnull=True) | Q(clock_out__gt=F("clock_in")),
                                   name="time_record_out_after_in"),
            models.CheckConstraint(condition=Q(status="open", clock_out__isnull=True)
                                   | (~Q(status="open") & Q(clock_out__isnull=False)),
                                   name="time_record_open_iff_no_clock_out"),
        ]
        indexes = [
            models.Index(fields=["assignment", "status"], name="time_record_assignment_status"),
            models.Index(fields=["learner", "clock_in"], name="time_record_learner_in"),
        ]
        ordering = ["-clock_in"]

    def __str__(self):
        return f"{self.learner} {self.clock_in:%Y-%m-%d %H:%M}"

    @property
    def is_flagged(self) -> bool:
        return self.flag_outside_geofence or self.flag_no_location or self.flag_auto_closed


# ---------------------------------------------------------------- residents' work hours
class WorkEntry(TenantModel, TimestampedModel):
    """One stretch of logged work (or education, or at-home call) by a resident."""

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="work_entries")
    kind = models.CharField(max_length=24, choices=KIND_CHOICES)
    start = models.DateTimeField()
    end = models.DateTimeField()
    notes = models.CharField(max_length=500, blank=True)
    from_plan = models.BooleanField(default=False, help_text="Confirmed from the pre-filled plan")
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "work entries"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="work_entry_end_after_start"),
            models.CheckConstraint(condition=Q(kind__in=rules.KINDS), name="work_entry_known_kind"),
            models.UniqueConstraint(fields=["company", "submission_key"], name="work_entry_unique_key"),
        ]
        indexes = [models.Index(fields=["learner", "start"], name="work_entry_learner_start")]
        ordering = ["start"]

    def __str__(self):
        return f"{self.learner} {self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"

    def as_rule_entry(self):
        return rules.Entry(self.start, self.end, self.kind, self.pk)


class PlannedShift(TenantModel, TimestampedModel):
    """A shift the coordinator plans for a resident: the program's call roster (in-house or
    at-home call) and any planned clinical shift. It pre-fills the week grid; only confirmed
    entries (``WorkEntry``) are checked for compliance, plans are checked for projections."""

    PLANNED_KINDS = [c for c in KIND_CHOICES if c[0] in
                     (rules.IN_HOUSE_CALL, rules.HOME_CALL, rules.CLINICAL, rules.EDUCATION)]

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.CASCADE, related_name="planned_shifts")
    kind = models.CharField(max_length=24, choices=PLANNED_KINDS)
    start = models.DateTimeField()
    end = models.DateTimeField()
    created_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="planned_shift_end_after_start"),
            models.CheckConstraint(condition=Q(end__lte=F("start") + dt.timedelta(hours=36)),
                                   name="planned_shift_at_most_36h"),
        ]
        indexes = [models.Index(fields=["learner", "start"], name="planned_shift_learner_start")]
        ordering = ["start"]

    def __str__(self):
        return f"{self.learner} {self.get_kind_display()} {self.start:%Y-%m-%d}"

    @property
    def is_call(self) -> bool:
        return self.kind in (rules.IN_HOUSE_CALL, rules.HOME_CALL)


class WeekUnlock(TenantModel, TimestampedModel):
    """A coordinator reopened one locked week of a resident's work hours."""

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.CASCADE, related_name="week_unlocks")
    week_start = models.DateField(help_text="The Monday of the week")
    unlocked_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "week_start"], name="week_unlock_once"),
        ]

    def __str__(self):
        return f"{self.learner} week of {self.week_start}"


class ComplianceNote(TenantModel, TimestampedModel):
    """Context a coordinator or the resident adds to a violation (e.g. "stayed for a patient in
    crisis"). Violations are computed, so a note names the learner, the rule and the day it starts."""

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.CASCADE, related_name="compliance_notes")
    rule = models.CharField(max_length=24, choices=[(r, r) for r in rules.RULES])
    starts_on = models.DateField()
    text = models.TextField()
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "rule", "starts_on"], name="compliance_note_once")]
        ordering = ["starts_on"]

    def __str__(self):
        return f"{self.rule} {self.starts_on}: {self.text[:40]}"


class PaceAlert(TenantModel, TimestampedModel):
    """A behind-pace notification sent once per rotation assignment at mid-rotation."""

    company_from = "assignment"
    assignment = models.OneToOneField("academics.RotationAssignment", on_delete=models.CASCADE,
                                      related_name="pace_alert")
    approved_hours = models.DecimalField(max_digits=7, decimal_places=2)
    expected_hours = models.DecimalField(max_digits=7, decimal_places=2)

    def __str__(self):
        return f"Behind pace: {self.assignment}"


# ---------------------------------------------------------------- stored compliance findings
class ComplianceState(TenantModel, TimestampedModel):
    """Whether a resident's stored findings (``ComplianceFinding``) are current. One row per
    learner. Every write that can change the findings marks the row stale in its own transaction
    (``services.compliance_mark_stale``) and starts one recompute task per learner on commit;
    ``findings.compliance_recompute`` locks the row, replaces the findings and clears ``stale``.
    Pages show a learner whose row is missing or stale — or was computed for another PGY level
    or time zone than the learner's now — as "being recomputed" rather than wrong numbers.

    Derived data, not history: no simple-history (the audit rows of the writes are the history)."""

    company_from = "learner"
    learner = models.OneToOneField("academics.Learner", on_delete=models.CASCADE, related_name="compliance_state")
    stale = models.BooleanField(default=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    pgy_level = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The PGY level computed for")
    time_zone = models.CharField(max_length=64, blank=True, help_text="The time zone computed in")
    first_day = models.DateField(null=True, blank=True, help_text="The local days the engine checked")
    last_day = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(first_day__isnull=True) | Q(last_day__gte=F("first_day")),
                                   name="compliance_state_days_ordered"),
        ]

    def __str__(self):
        return f"Compliance of {self.learner_id} ({'stale' if self.stale else self.computed_at})"


class ComplianceFinding(TenantModel):
    """One violation or warning the rules engine found in a resident's logged hours.

    Derived data, not history: ``findings.compliance_recompute`` (the only writer) deletes a
    learner's findings and bulk-inserts the engine's output in one transaction; no
    simple-history. Windows rules are stored as whole runs of failing windows over every logged
    day; pages pick the findings overlapping their period."""

    class Severity(models.TextChoices):
        VIOLATION = "violation", "Violation"
        WARNING = "warning", "Warning"

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.CASCADE, related_name="compliance_findings")
    rule = models.CharField(max_length=24, choices=[(r, r) for r in rules.RULES])
    severity = models.CharField(max_length=10, choices=Severity.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "rule", "start", "end"], name="compliance_finding_once"),
            # a rest of 0 h (work straight after a 24-hour duty) is a finding with start == end
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="compliance_finding_end_not_before_start"),
            models.CheckConstraint(condition=Q(rule__in=rules.RULES), name="compliance_finding_known_rule"),
            models.CheckConstraint(condition=Q(severity="warning", rule__in=sorted(rules.WARNINGS))
                                   | (Q(severity="violation") & ~Q(rule__in=sorted(rules.WARNINGS))),
                                   name="compliance_finding_severity_of_rule"),
        ]
        indexes = [models.Index(fields=["learner", "start"], name="compliance_finding_learner"),]
        ordering = ["start"]

    def __str__(self):
        return f"{self.rule} {self.start:%Y-%m-%d}"

    def as_violation(self):
        return rules.Violation(self.rule, self.start, self.end, self.hours, self.detail)
