"""Exercise library, plan templates with phases, a patient's treatment plan (phases, exercises,
milestones) and the patient's progress feedback per session."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["Exercise", "PlanTemplate", "PlanTemplatePhase", "PlanTemplateItem", "TreatmentPlan", "PlanPhase",
           "PlanExercise", "PlanMilestone", "ExerciseFeedback"]


class Dosage(models.Model):
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency = models.CharField(max_length=100, blank=True, help_text="e.g. twice daily, 3× a week")

    class Meta:
        abstract = True

    @property
    def dosage(self) -> str:
        parts = []
        if self.sets:
            parts.append(f"{self.sets} sets")
        if self.reps:
            parts.append(f"{self.reps} reps")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        if self.frequency:
            parts.append(self.frequency)
        return ", ".join(parts)


class Exercise(Dosage, TenantModel, TimestampedModel):
    name = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    media_url = models.URLField("image or video link", blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="exercise_unique_name")]

    def __str__(self):
        return self.name


class PlanTemplate(TenantModel, TimestampedModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="plan_template_unique_name")]

    def __str__(self):
        return self.name


class PlanTemplatePhase(TenantModel, TimestampedModel):
    company_from = "template"
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    weeks = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self):
        return self.name


class PlanTemplateItem(Dosage, TenantModel, TimestampedModel):
    company_from = "phase"
    phase = models.ForeignKey(PlanTemplatePhase, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["phase", "created_at"]


class TreatmentPlan(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="treatment_plans")
    case = models.ForeignKey("clinical.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [models.UniqueConstraint(fields=["company", "idempotency_key"], name="plan_idempotent")]

    def __str__(self):
        return self.title


class PlanPhase(TenantModel, TimestampedModel):
    company_from = "plan"
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=200)
    weeks = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self):
        return self.name


class PlanExercise(Dosage, TenantModel, TimestampedModel):
    company_from = "phase"
    phase = models.ForeignKey(PlanPhase, on_delete=models.CASCADE, related_name="exercises")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "created_at"]

    def __str__(self):
        return str(self.exercise)


class PlanMilestone(TenantModel, TimestampedModel):
    company_from = "plan"
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    target_date = models.DateField(null=True, blank=True)
    achieved_at = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "target_date"]

    def __str__(self):
        return self.title


class ExerciseFeedback(TenantModel, TimestampedModel):
    """One session of one exercise, as the patient reports it."""

    class Difficulty(models.IntegerChoices):
        EASY = 1, "Easy"
        OK = 2, "About right"
        HARD = 3, "Hard"

    company_from = "plan_exercise"
    plan_exercise = models.ForeignKey(PlanExercise, on_delete=models.PROTECT, related_name="feedback")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+", editable=False)
    session_date = models.DateField()
    done = models.BooleanField(default=True)
    pain_during = models.PositiveSmallIntegerField("pain during (0–10)", null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, null=True, blank=True)
    comment = models.CharField(max_length=1000, blank=True)
    submitted_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-session_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="feedback_idempotent"),
            models.CheckConstraint(condition=Q(pain_during__isnull=True) | Q(pain_during__lte=10),
                                   name="feedback_pain_range"),
        ]

    def save(self, *args, **kwargs):
        self.patient_id = self.plan_exercise.phase.plan.patient_id
        super().save(*args, **kwargs)
