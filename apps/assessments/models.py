"""EPA assessments and the learner's requests for them."""

import datetime
import uuid

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import SoftDeleteModel, TenantModel, TenantQuerySet
from apps.reference.models import FeedbackTag
from apps.tenants.models import TimestampedModel

# Cost limit and readability: a narrative is at most this many characters (form, API, service and
# a database check alike; docs/assessments.md says so).
NARRATIVE_MAX_LENGTH = 5000


class CaseUrgency(models.TextChoices):
    ELECTIVE = "elective", "Elective"
    URGENT = "urgent", "Urgent"
    EMERGENT = "emergent", "Emergent"


class LocationType(models.TextChoices):
    OPERATING_ROOM = "operating_room", "Operating room"
    CLINIC = "clinic", "Clinic"
    ICU = "icu", "ICU"
    WARD = "ward", "Ward"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    ENDOSCOPY = "endoscopy", "Endoscopy suite"
    OTHER = "other", "Other"


class AssessmentRequestQuerySet(TenantQuerySet):
    """The one definition of an overdue request, used by the completion board, the faculty to-do
    and the reminders: still open, and open for at least the program's
    ``reminder_first_after_days`` (the day the first reminder goes out)."""

    def _overdue_q(self, now=None) -> Q:
        now = now or timezone.now()
        due_at = ExpressionWrapper(
            F("created_at") + F("learner__program__reminder_first_after_days") * Value(datetime.timedelta(days=1)),
            output_field=models.DateTimeField())
        return Q(status=AssessmentRequest.Status.OPEN) & Q(LessThanOrEqual(due_at, Value(now)))

    def overdue(self, now=None):
        return self.filter(self._overdue_q(now))

    def with_overdue(self, now=None):
        """Each row annotated ``is_overdue`` (the same rule as ``overdue()``)."""
        return self.annotate(is_overdue=ExpressionWrapper(self._overdue_q(now), output_field=models.BooleanField()))


class AssessmentRequest(TenantModel, TimestampedModel):
    """A learner asks a faculty member to assess one case. The faculty member answers through
    a signed, single-use link (e-mailed, or shown as a QR code on the learner's phone)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "Declined"

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.CASCADE, related_name="assessment_requests")
    assessor = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="assessment_requests")
    epa = models.ForeignKey("reference.EPA", on_delete=models.PROTECT, related_name="+")
    case_date = models.DateField()
    case_type = models.ForeignKey("reference.CaseType", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    rotation_assignment = models.ForeignKey("academics.RotationAssignment", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True, help_text="What the case was, for the assessor")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()
    link_used_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    submission_key = models.UUIDField(unique=True, null=True, blank=True, editable=False,
                                      help_text="Idempotency key: a double-submitted request form creates one request")
    decline_reason = models.CharField(max_length=500, blank=True,
                                      help_text="Why the assessor declined (shown to the learner)")
    history = HistoricalRecords()

    objects = AssessmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["assessor", "status"], name="request_assessor_status"),
            models.Index(fields=["status", "expires_at"], name="request_status_expiry"),
        ]

    def __str__(self):
        return f"Request {self.epa} for {self.learner} from {self.assessor}"


class AssessmentLinkCode(TenantModel):
    """A one-time 6-digit code e-mailed to a request's assessor when someone on the learner's
    request link (the QR code) asks for one: typed into the form, it proves the person submitting
    reads the assessor's e-mail — which the learner showing the QR code does not. Only a keyed hash
    is stored; a code expires after 10 minutes, works once and dies after 5 wrong tries; at most
    3 are sent per request an hour (apps.assessments.services.link_code_send)."""

    company_from = "request"
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="link_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    audit_redact = ("code_hash",)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["request", "-created_at"], name="link_code_request_recent")]

    def __str__(self):
        return f"Code for {self.request_id}, expires {self.expires_at:%H:%M}"


class EPAAssessment(SoftDeleteModel, TenantModel, TimestampedModel):
    class EntryMethod(models.TextChoices):
        WEB = "web", "Web"
        MOBILE_WEB = "mobile_web", "Mobile web"
        LINK = "link", "Signed link / QR code"
        API = "api", "API"

    company_from = "learner"
    learner = models.ForeignKey("academics.Learner", on_delete=models.PROTECT, related_name="epa_assessments")
    program = models.ForeignKey("academics.Program", on_delete=models.PROTECT, related_name="epa_assessments",
                                editable=False, help_text="The learner's program at submission (for metrics)")
    assessor = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="epa_assessments_given")
    epa = models.ForeignKey("reference.EPA", on_delete=models.PROTECT, related_name="assessments")
    entrustment_level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    assessment_date = models.DateField(help_text="The day of the case")
    submitted_at = models.DateTimeField()
    # Case context — structured, so it can be queried.
    rotation_assignment = models.ForeignKey("academics.RotationAssignment", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="epa_assessments")
    site = models.ForeignKey("tenants.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case_type = models.ForeignKey("reference.CaseType", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="assessments")
    case_urgency = models.CharField(max_length=20, choices=CaseUrgency.choices, blank=True)
    patient_asa_class = models.PositiveSmallIntegerField("ASA class", null=True, blank=True,
                                                         validators=[MinValueValidator(1), MaxValueValidator(6)])
    procedure_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(1440)])
    complications_occurred = models.BooleanField(null=True, blank=True)
    location_type = models.CharField(max_length=30, choices=LocationType.choices, blank=True)
    location_details = models.CharField(max_length=100, blank=True)
    narrative_feedback = models.TextField(blank=True, validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
                                          help_text=f"At most {NARRATIVE_MAX_LENGTH:,} characters")
    feedback_tags = models.ManyToManyField("reference.FeedbackTag", through="AssessmentFeedbackTag",
                                           related_name="assessments")
    # Metadata
    entry_method = models.CharField(max_length=20, choices=EntryMethod.choices, default=EntryMethod.WEB)
    request = models.OneToOneField(AssessmentRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="assessment")
    submission_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False,
                                      help_text="Idempotency key: a double-submitted form creates one record")
    edited = models.BooleanField(default=False)
    last_edited_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "EPA assessment"
        ordering = ["-assessment_date", "-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(patient_asa_class__isnull=True)
                                   | Q(patient_asa_class__gte=1, patient_asa_class__lte=6), name="assessment_asa_1_6"),
            models.CheckConstraint(condition=Q(procedure_minutes__isnull=True) | Q(procedure_minutes__lte=1440),
                                   name="assessment_minutes_max_1440"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("narrative_feedback"), NARRATIVE_MAX_LENGTH),
                                   name="assessment_narrative_max_length"),
        ]
        indexes = [
            # A learner's timeline (the progress page's points, oldest first): the company and learner as
            # every scoped read names them, in date order, with what a point shows, so the read is one
            # index range in order (at L the planner ANDed a learner index with the company's 47k rows).
            models.Index(fields=["company", "learner", "assessment_date"],
                         include=["epa", "entrustment_level", "rotation_assignment"],
                         condition=Q(deleted_at__isnull=True), name="assessment_learner_timeline"),
            models.Index(fields=["learner", "epa"], condition=Q(deleted_at__isnull=True),
                         name="assessment_learner_epa_alive"),
            models.Index(fields=["assessor", "-assessment_date"], condition=Q(deleted_at__isnull=True),
                         name="assessment_assessor_date_alive"),
            models.Index(fields=["company", "program", "assessment_date"], name="assessment_program_date"),
        ]

    def __str__(self):
        return f"{self.epa} — {self.learner} — level {self.entrustment_level}"

    def save(self, *args, **kwargs):
        self.program_id = self.learner.program_id if self.program_id is None else self.program_id
        super().save(*args, **kwargs)


class AssessmentFeedbackTag(TenantModel):
    class TagType(models.TextChoices):
        WENT_WELL = "went_well", "Went well"
        NEEDS_WORK = "needs_work", "Needs work"

    company_from = "assessment"
    assessment = models.ForeignKey(EPAAssessment, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey("reference.FeedbackTag", on_delete=models.PROTECT, related_name="+")
    tag_type = models.CharField(max_length=20, choices=TagType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "tag"], name="assessment_tag_once")]


# Which library tags each group offers: strengths "went well", areas for improvement "need work".
# The form lists only these and the service refuses a tag of the other group.
TAG_CATEGORY = {AssessmentFeedbackTag.TagType.WENT_WELL: FeedbackTag.Category.STRENGTH,
                AssessmentFeedbackTag.TagType.NEEDS_WORK: FeedbackTag.Category.IMPROVEMENT}
