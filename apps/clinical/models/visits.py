"""Cases hold visits (seed 004): a case is one problem under a responsible practitioner; a visit
is one encounter at a site, holding SOAP notes. Locking a visit is separate from signing a note."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["Case", "Visit"]


class Case(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="cases")
    title = models.CharField("problem", max_length=200)
    diagnosis_text = models.CharField(max_length=300, blank=True)
    diagnosis_code = models.CharField(max_length=30, blank=True, help_text="Optional code as entered")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    responsible_practitioner = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["patient", "status"], name="case_patient")]

    def __str__(self):
        return self.title


class Visit(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    company_from = "case"
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="visits",
                                editable=False)
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    appointment_id = models.UUIDField(null=True, blank=True, help_text="The appointment this visit came from")
    reason = models.CharField(max_length=300, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["patient", "-visited_at"], name="visit_patient_recent")]

    def __str__(self):
        return f"{self.visited_at:%Y-%m-%d} {self.reason or self.case.title}"

    def save(self, *args, **kwargs):
        self.patient_id = self.case.patient_id
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
