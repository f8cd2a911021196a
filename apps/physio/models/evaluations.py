"""Evaluations (a structured form per company template, linked to a case and visit, signed like SOAP
notes: the SHA-256 digest of the canonical JSON of what was signed is stored and checked on every
display; a signed evaluation never changes) and pain assessments with body-map regions."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["EvaluationTemplate", "Evaluation", "SignedEvaluationError", "PainAssessment", "BodyMapRegion",
           "PainType", "EVALUATION_SECTIONS"]

EVALUATION_SECTIONS = [
    ("presenting_complaint", "Presenting complaint"),
    ("history", "History of the complaint"),
    ("physio_history", "Physio history (previous episodes, treatments)"),
    ("objective", "Objective findings"),
    ("assessment", "Assessment"),
    ("goals", "Goals"),
]


class SignedEvaluationError(Exception):
    """A signed evaluation cannot change."""


class PainType(models.TextChoices):
    ACHING = "aching", "Aching"
    BURNING = "burning", "Burning"
    SHARP = "sharp", "Sharp"
    STABBING = "stabbing", "Stabbing"
    THROBBING = "throbbing", "Throbbing"
    SHOOTING = "shooting", "Shooting"
    TINGLING = "tingling", "Pins and needles / tingling"
    NUMB = "numb", "Numbness"
    STIFF = "stiff", "Stiffness"


class EvaluationTemplate(TenantModel, TimestampedModel):
    """Per company: a prompt under each section and the red-flag screening questions asked."""

    name = models.CharField(max_length=200)
    prompts = models.JSONField(default=dict, blank=True, help_text='{"presenting_complaint": "prompt…", …}')
    red_flag_questions = models.JSONField(default=list, blank=True, help_text='["Unexplained weight loss?", …]')
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="evaluation_template_unique_name")]

    def __str__(self):
        return self.name


class Evaluation(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    company_from = "visit"
    visit = models.ForeignKey("clinical.Visit", on_delete=models.PROTECT, related_name="physio_evaluations")
    case = models.ForeignKey("clinical.Case", on_delete=models.PROTECT, related_name="+", editable=False)
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="physio_evaluations",
                                editable=False)
    template = models.ForeignKey(EvaluationTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(default=dict, blank=True)
    red_flags = models.JSONField(default=dict, blank=True, help_text='{"question": "yes" | "no"}')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  editable=False)
    signed_digest = models.CharField(max_length=64, blank=True, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="evaluation_patient")]
        constraints = [models.UniqueConstraint(fields=["company", "idempotency_key"], name="evaluation_idempotent"),
                       models.CheckConstraint(
            condition=Q(status="draft", signed_at__isnull=True) | Q(status="signed", signed_at__isnull=False)
            & ~Q(signed_digest=""), name="evaluation_signed_has_digest")]

    def __str__(self):
        return f"Evaluation {self.created_at:%Y-%m-%d}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def save(self, *args, **kwargs):
        if not self._state.adding and getattr(self, "_loaded_status", None) == self.Status.SIGNED:
            raise SignedEvaluationError("This evaluation is signed and can no longer change.")
        self.case_id = self.visit.case_id
        self.patient_id = self.visit.patient_id
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def signature_payload(self) -> dict:
        """What a signature covers: the content, red flags, author, visit and who signed when."""
        return {"evaluation": str(self.pk), "patient": str(self.patient_id), "visit": str(self.visit_id),
                "content": self.content, "red_flags": self.red_flags, "author": str(self.author_id),
                "signed_by": str(self.signed_by_id), "signed_at": self.signed_at.isoformat()}


class PainAssessment(TenantModel, TimestampedModel):
    """NPRS now/best/worst, pain types, aggravating and easing factors, and the body map (regions)."""

    company_from = "visit"
    visit = models.ForeignKey("clinical.Visit", on_delete=models.PROTECT, related_name="pain_assessments")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="pain_assessments",
                                editable=False)
    recorded_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    nprs_now = models.PositiveSmallIntegerField("pain now (0–10)")
    nprs_best = models.PositiveSmallIntegerField("best in 24 h (0–10)", null=True, blank=True)
    nprs_worst = models.PositiveSmallIntegerField("worst in 24 h (0–10)", null=True, blank=True)
    pain_types = models.JSONField(default=list, blank=True)
    aggravating = models.CharField("aggravating factors", max_length=500, blank=True)
    easing = models.CharField("easing factors", max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["patient", "-recorded_at"], name="pain_patient_recent")]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="pain_idempotent"),
            models.CheckConstraint(condition=Q(nprs_now__lte=10), name="pain_nprs_now_range"),
            models.CheckConstraint(condition=Q(nprs_best__isnull=True) | Q(nprs_best__lte=10), name="pain_nprs_best_range"),
            models.CheckConstraint(condition=Q(nprs_worst__isnull=True) | Q(nprs_worst__lte=10),
                                   name="pain_nprs_worst_range"),
        ]

    def __str__(self):
        return f"Pain {self.nprs_now}/10"

    def save(self, *args, **kwargs):
        self.patient_id = self.visit.patient_id
        super().save(*args, **kwargs)


class BodyMapRegion(TenantModel, TimestampedModel):
    """One marked region of the body map: region code (apps.physio.bodymap), side, intensity, type."""

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        CENTRE = "centre", "Centre"

    company_from = "assessment"
    assessment = models.ForeignKey(PainAssessment, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(max_length=30)
    side = models.CharField(max_length=6, choices=Side.choices)
    intensity = models.PositiveSmallIntegerField()
    pain_type = models.CharField(max_length=12, choices=PainType.choices)

    class Meta:
        ordering = ["region", "side"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "region", "side"], name="bodymap_region_once"),
            models.CheckConstraint(condition=Q(intensity__lte=10), name="bodymap_intensity_range"),
        ]

    def __str__(self):
        return f"{self.region} ({self.side}) {self.intensity}/10"
