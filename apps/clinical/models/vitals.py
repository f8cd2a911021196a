"""Vital signs (seed 002) with BMI, reference-range flags and NEWS2 stored at recording time."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["VitalSigns"]


class VitalSigns(TenantModel, TimestampedModel):
    class Consciousness(models.TextChoices):
        ALERT = "A", "Alert"
        CONFUSION = "C", "New confusion"
        VOICE = "V", "Responds to voice"
        PAIN = "P", "Responds to pain"
        UNRESPONSIVE = "U", "Unresponsive"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="vitals")
    visit = models.ForeignKey("clinical.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="vitals")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+", editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    temp = models.DecimalField("temperature (°C)", max_digits=3, decimal_places=1, null=True, blank=True,
                               validators=[MinValueValidator(25), MaxValueValidator(45)])
    pulse = models.PositiveSmallIntegerField("pulse (/min)", null=True, blank=True,
                                             validators=[MinValueValidator(10), MaxValueValidator(300)])
    sbp = models.PositiveSmallIntegerField("systolic BP (mmHg)", null=True, blank=True,
                                           validators=[MinValueValidator(30), MaxValueValidator(300)])
    dbp = models.PositiveSmallIntegerField("diastolic BP (mmHg)", null=True, blank=True,
                                           validators=[MinValueValidator(10), MaxValueValidator(200)])
    rr = models.PositiveSmallIntegerField("respiration rate (/min)", null=True, blank=True,
                                          validators=[MinValueValidator(1), MaxValueValidator(80)])
    spo2 = models.PositiveSmallIntegerField("SpO₂ (%)", null=True, blank=True,
                                            validators=[MinValueValidator(40), MaxValueValidator(100)])
    spo2_scale = models.PositiveSmallIntegerField("SpO₂ scale", choices=[(1, "Scale 1"), (2, "Scale 2 (target 88–92%)")],
                                                  default=1)
    on_oxygen = models.BooleanField("on supplemental oxygen", default=False)
    consciousness = models.CharField(max_length=1, choices=Consciousness.choices, blank=True)
    weight_kg = models.DecimalField("weight (kg)", max_digits=5, decimal_places=1, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("0.2")), MaxValueValidator(500)])
    height_cm = models.DecimalField("height (cm)", max_digits=4, decimal_places=1, null=True, blank=True,
                                    validators=[MinValueValidator(20), MaxValueValidator(260)])
    bmi = models.DecimalField("BMI", max_digits=4, decimal_places=1, null=True, blank=True, editable=False)
    pain = models.PositiveSmallIntegerField("pain (0–10)", null=True, blank=True, validators=[MaxValueValidator(10)])
    flags = models.JSONField(default=dict, blank=True, editable=False, help_text='{"pulse": "high", ...}')
    news2_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    news2_risk = models.CharField(max_length=12, blank=True, editable=False)
    news2_parameters = models.JSONField(default=dict, blank=True, editable=False)
    entered_in_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    entered_in_error_reason = models.CharField(max_length=500, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name_plural = "vital signs"
        indexes = [models.Index(fields=["patient", "-recorded_at"], name="vitals_patient_recent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(news2_score__isnull=True) | models.Q(news2_score__lte=20),
                                   name="vitals_news2_range"),
        ]

    def __str__(self):
        return f"Vitals {self.recorded_at:%Y-%m-%d %H:%M}"
