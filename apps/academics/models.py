"""Programs, learners, faculty, the academic calendar and the rotation schedule."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel


class InclusiveDateRange(Func):
    """daterange(start, end, '[]') — both ends are days the learner is on the rotation."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, models.Value("[]"))


# ---------------------------------------------------------------- programs and people
class Program(TenantModel, TimestampedModel):
    class Kind(models.TextChoices):
        RESIDENCY = "residency", "Residency"
        FELLOWSHIP = "fellowship", "Fellowship"
        CLERKSHIP = "clerkship", "Student clerkship / rotation program"

    company_from = "sponsor"
    sponsor = models.ForeignKey("tenants.SponsoringInstitution", on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=255)
    specialty = models.ForeignKey("reference.Specialty", on_delete=models.PROTECT, related_name="programs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESIDENCY)
    acgme_program_id = models.CharField("ACGME program ID", max_length=50, blank=True)
    director = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="directed_programs")
    epa_set = models.ForeignKey("reference.EPASet", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="programs", help_text="The EPA set version this program assesses against")
    milestone_set = models.ForeignKey("reference.MilestoneSet", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="programs")
    # Assessment workflow settings (per program, see issue "EPA assessments end to end").
    assessment_edit_window_hours = models.PositiveIntegerField(default=48, validators=[MaxValueValidator(24 * 60)])
    request_expiry_days = models.PositiveIntegerField(default=14, validators=[MinValueValidator(1), MaxValueValidator(90)])
    reminder_first_after_days = models.PositiveIntegerField(default=3, validators=[MaxValueValidator(60)])
    reminder_every_days = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(30)])
    max_open_requests_per_assessor = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    settings = models.JSONField(default=dict, blank=True)
    # Participation agreements (PLAs, in tenants) that name this program; an agreement with
    # ``applies_to_all_programs`` covers every program without being listed here.
    agreements = models.ManyToManyField("tenants.ParticipationAgreement", blank=True, related_name="covered_programs")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="program_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Learner(TenantModel, TimestampedModel):
    """A resident or a student in a program: one shape, one roster."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "Resident"
        STUDENT = "student", "Student"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEAVE_OF_ABSENCE = "leave_of_absence", "Leave of absence"
        PROBATION = "probation", "Probation"
        SUSPENDED = "suspended", "Suspended"
        COMPLETED = "completed", "Completed / graduated"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Degree(models.TextChoices):
        MD = "MD", "MD"
        DO = "DO", "DO"
        MBBS = "MBBS", "MBBS"
        MBCHB = "MBChB", "MBChB"
        OTHER = "other", "Other"

    company_from = "program"
    user = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="learner_records")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="learners")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    pgy_level = models.PositiveSmallIntegerField("PGY", null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(10)])
    entry_pgy_level = models.PositiveSmallIntegerField("entry PGY", null=True, blank=True,
                                                       validators=[MinValueValidator(1), MaxValueValidator(10)])
    matriculation_date = models.DateField(null=True, blank=True)
    expected_graduation_date = models.DateField(null=True, blank=True)
    actual_graduation_date = models.DateField(null=True, blank=True)
    track = models.CharField(max_length=100, blank=True)
    medical_school = models.CharField(max_length=255, blank=True)
    degree = models.CharField(max_length=10, choices=Degree.choices, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True)
    state_license_number = models.CharField(max_length=50, blank=True)
    dea_number = models.CharField("DEA number", max_length=20, blank=True)
    student_id = models.CharField("student ID", max_length=50, blank=True)
    class_year = models.PositiveSmallIntegerField(null=True, blank=True)
    required_clinical_hours = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "program", "user"], name="learner_unique_in_program"),
            models.CheckConstraint(condition=~Q(kind="resident") | Q(pgy_level__isnull=False),
                                   name="learner_resident_has_pgy"),
            models.CheckConstraint(condition=Q(pgy_level__isnull=True) | Q(pgy_level__gte=1, pgy_level__lte=10),
                                   name="learner_pgy_1_to_10"),
        ]
        indexes = [models.Index(fields=["program", "status"], name="learner_program_status")]
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return str(self.user)


class Faculty(TenantModel, TimestampedModel):
    class Rank(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        ASSISTANT = "assistant_professor", "Assistant professor"
        ASSOCIATE = "associate_professor", "Associate professor"
        PROFESSOR = "professor", "Professor"
        CLINICAL = "clinical_faculty", "Clinical faculty"

    company_from = "program"
    user = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="faculty_records")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="faculty")
    rank = models.CharField(max_length=30, choices=Rank.choices, blank=True)
    department = models.CharField(max_length=255, blank=True)
    specialty = models.ForeignKey("reference.Specialty", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    is_core_faculty = models.BooleanField(default=False)
    teaching_percentage = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    is_active = models.BooleanField(default=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "faculty"
        constraints = [
            models.UniqueConstraint(fields=["company", "program", "user"], name="faculty_unique_in_program"),
            models.CheckConstraint(condition=Q(teaching_percentage__isnull=True) | Q(teaching_percentage__lte=100),
                                   name="faculty_teaching_pct_max_100"),
        ]
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return str(self.user)


# ---------------------------------------------------------------- calendar and schedule
class AcademicYear(TenantModel, TimestampedModel):
    company_from = "program"
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="academic_years")
    name = models.CharField(max_length=50)
    start_date = models.DateField()
    end_date = models.DateField()
    is_current = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "program", "name"], name="year_unique_name"),
            models.UniqueConstraint(fields=["program"], condition=Q(is_current=True), name="year_one_current"),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="year_ends_after_start"),
            ExclusionConstraint(
                name="year_no_overlap",
                expressions=[
                    ("program", RangeOperators.EQUAL),
                    (InclusiveDateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        ordering = ["-start_date"]

    def __str__(self):
        return self.name


class Block(TenantModel, TimestampedModel):
    company_from = "academic_year"
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="blocks")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=50)
    start_date = models.DateField()
    end_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "academic_year", "number"], name="block_unique_number"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="block_ends_after_start"),
            ExclusionConstraint(
                name="block_no_overlap",
                expressions=[
                    ("academic_year", RangeOperators.EQUAL),
                    (InclusiveDateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        ordering = ["academic_year", "number"]

    def __str__(self):
        return self.name


class RotationType(TenantModel, TimestampedModel):
    class Category(models.TextChoices):
        CORE = "core", "Core"
        ELECTIVE = "elective", "Elective"

    company_from = "program"
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rotation_types")
    name = models.CharField(max_length=255)
    code = models.CharField(max_length=20)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.CORE)
    is_required = models.BooleanField(default=False)
    minimum_weeks = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(260)])
    colour = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(11)],
                                              help_text="Colour index 0–11 used in the schedule grid")
    primary_epas = models.ManyToManyField("reference.EPA", blank=True, related_name="rotation_types")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "program", "code"], name="rotation_type_unique_code"),
        ]
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class RotationAssignment(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    company_from = "learner"
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="assignments")
    rotation_type = models.ForeignKey(RotationType, on_delete=models.PROTECT, related_name="assignments")
    block = models.ForeignKey(Block, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField()
    end_date = models.DateField()
    site = models.ForeignKey("tenants.Site", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    primary_supervisor = models.ForeignKey(Faculty, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="supervised_assignments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="assignment_ends_after_start"),
            # A learner is never in two places on the same day — enforced by PostgreSQL, so two
            # racing requests cannot both win.
            ExclusionConstraint(
                name="assignment_no_double_booking",
                expressions=[
                    ("learner", RangeOperators.EQUAL),
                    (InclusiveDateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [
            models.Index(fields=["company", "start_date", "end_date"], name="assignment_company_dates"),
            models.Index(fields=["site", "start_date"], name="assignment_site_start"),
            # the grid reads a program's assignments learner by learner within the company: without
            # it PostgreSQL ANDed the exclusion constraint's GiST index with the company's index
            # (every assignment of the company, once per learner: 6.7 → 2.1 ms at L)
            models.Index(fields=["company", "learner", "start_date"], name="assignment_company_learner"),
        ]
        ordering = ["start_date"]

    def __str__(self):
        return f"{self.learner} — {self.rotation_type.code} {self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d}"


class CalendarFeed(TenantModel, TimestampedModel):
    """A secret, revocable iCal URL: a person's own schedule or a whole program's."""

    company_from = "owner"
    owner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="calendar_feeds")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE, related_name="feeds",
                                help_text="Set for a program feed; blank for the owner's personal feed")
    token = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token"])

    def __str__(self):
        return f"Calendar feed of {self.program or self.owner}"


class Promotion(TenantModel, TimestampedModel):
    """One applied end-of-year promotion of a program's residents. Its ``submission_key`` (from the
    preview page) makes a double-submitted confirm promote once (apps.core.idempotency)."""

    company_from = "program"
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="promotions")
    graduation_date = models.DateField()
    applied_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    promoted = models.PositiveIntegerField(default=0)
    graduated = models.PositiveIntegerField(default=0)
    submission_key = models.CharField(max_length=64, editable=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "submission_key"],
                                               name="promotion_unique_submission_key")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"Promotion of {self.program} ({self.graduation_date})"
