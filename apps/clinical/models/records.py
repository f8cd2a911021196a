"""The record lists on a chart: allergies, problems, medications, immunizations, procedures.
Each entry has history; a wrong entry is marked "entered in error" (with a reason), never deleted."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["RecordEntry", "Allergy", "Problem", "Medication", "Immunization", "Procedure"]


class RecordEntry(TenantModel, TimestampedModel):
    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+", editable=False)
    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    entered_in_error_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="+", editable=False)
    entered_in_error_reason = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None


class Allergy(RecordEntry):
    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        RESOLVED = "resolved", "Resolved"

    substance = models.CharField(max_length=200)
    reaction = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    noted_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["substance"]
        verbose_name_plural = "allergies"
        indexes = [models.Index(fields=["patient", "status"], name="allergy_patient")]

    def __str__(self):
        return self.substance


class Problem(RecordEntry):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        RESOLVED = "resolved", "Resolved"

    description = models.CharField(max_length=300)
    code = models.CharField(max_length=30, blank=True, help_text="Optional code as entered (e.g. ICD-10-CM)")
    code_system = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    onset_date = models.DateField(null=True, blank=True)
    resolved_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["description"]
        indexes = [models.Index(fields=["patient", "status"], name="problem_patient")]

    def __str__(self):
        return self.description


class Medication(RecordEntry):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        STOPPED = "stopped", "Stopped"
        COMPLETED = "completed", "Completed"

    name = models.CharField(max_length=200)
    dose = models.CharField(max_length=100, blank=True)
    route = models.CharField(max_length=50, blank=True)
    frequency = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["patient", "status"], name="medication_patient")]

    def __str__(self):
        return " ".join(part for part in (self.name, self.dose, self.frequency) if part)


class Immunization(RecordEntry):
    vaccine = models.CharField(max_length=200)
    given_on = models.DateField()
    dose_number = models.PositiveSmallIntegerField(null=True, blank=True)
    lot_number = models.CharField(max_length=50, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on"]
        indexes = [models.Index(fields=["patient", "given_on"], name="immunization_patient")]

    def __str__(self):
        return f"{self.vaccine} ({self.given_on})"


class Procedure(RecordEntry):
    name = models.CharField(max_length=200)
    performed_on = models.DateField(null=True, blank=True)
    code = models.CharField(max_length=30, blank=True, help_text="Optional code as entered")
    notes = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-performed_on"]
        indexes = [models.Index(fields=["patient", "performed_on"], name="procedure_patient")]

    def __str__(self):
        return self.name
