"""Nurse logs (seed 002): observations, care activities, incidents, notes and shift handoffs."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["NurseLog"]


class NurseLog(TenantModel, TimestampedModel):
    class Kind(models.TextChoices):
        OBSERVATION = "observation", "Observation"
        CARE_ACTIVITY = "care_activity", "Care activity"
        INCIDENT = "incident", "Incident"
        NOTE = "note", "Note"
        HANDOFF = "handoff", "Handoff"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="nurse_logs")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OBSERVATION)
    text = models.TextField()
    logged_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-logged_at"]
        indexes = [models.Index(fields=["site", "-logged_at"], name="nurselog_site_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.logged_at:%Y-%m-%d %H:%M}"
