"""Intake forms: a company-defined form sent by signed link before the first appointment. What the
patient submits is held for staff review; only fields staff accept are written to the patient."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["IntakeForm", "IntakeInstance", "PATIENT_FIELDS"]

# Patient fields an intake may propose to change (the review shows old → new for each).
PATIENT_FIELDS = ["phone", "email", "address_line", "city", "region", "postal_code", "preferred_language",
                  "insurance_payer", "insurance_member_id"]


class IntakeForm(TenantModel, TimestampedModel):
    name = models.CharField(max_length=200)
    questions = models.JSONField(default=list, blank=True,
                                 help_text='History questions: [{"key": "…", "label": "…"}] (free text)')
    consent_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="intake_form_unique_name")]

    def __str__(self):
        return self.name


class IntakeInstance(TenantModel, TimestampedModel):
    class Review(models.TextChoices):
        WAITING = "waiting", "Waiting for the patient"
        PENDING = "pending", "Submitted — to review"
        APPLIED = "applied", "Reviewed"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="intakes")
    form = models.ForeignKey(IntakeForm, on_delete=models.PROTECT, related_name="instances")
    sent_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=5, default="email")
    expires_at = models.DateTimeField()
    draft = models.JSONField(default=dict, blank=True, editable=False)
    answers = models.JSONField(default=dict, blank=True, editable=False)
    consent_given = models.BooleanField(default=False, editable=False)
    link_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.WAITING)
    reviewed_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    applied_fields = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(excluded_fields=["draft"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(review="waiting") | Q(link_used_at__isnull=False),
                                              name="intake_reviewed_after_submit")]

    def __str__(self):
        return f"{self.form} for {self.patient_id}"
