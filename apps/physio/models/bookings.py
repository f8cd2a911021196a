"""Booking requests a PROM result creates for reception (seed 003's PROM-triggered bookings)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["BookingRequest"]


class BookingRequest(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        BOOKED = "booked", "Booked"
        DISMISSED = "dismissed", "Dismissed"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="booking_requests")
    reason = models.CharField(max_length=300)
    source_response = models.ForeignKey("physio.PromResponse", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="booking_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    appointment_id = models.UUIDField(null=True, blank=True, help_text="The appointment booked for it")
    handled_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["source_response"], condition=Q(source_response__isnull=False),
                                    name="booking_request_once_per_response"),
            models.CheckConstraint(condition=~Q(status="booked") | Q(appointment_id__isnull=False),
                                   name="booking_request_booked_has_appointment"),
        ]
        indexes = [models.Index(fields=["company", "status"], name="booking_request_queue")]

    def __str__(self):
        return self.reason
