"""PROMs: versioned templates, instances sent by signed link, responses scored with the version
they were answered on, urgent flags, schedules.

A template (one instrument of the scoring engine, per company) changes only by getting a new
``PromTemplateVersion`` (item labels, options): versions are append-only, and a response keeps
the version it was scored with."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["PromTemplate", "PromTemplateVersion", "PromInstance", "PromResponse", "PromFlag", "PromSchedule",
           "AppendOnlyError", "Channel"]


class AppendOnlyError(Exception):
    """This row is append-only (template versions, responses)."""


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    NONE = "none", "No message (hand the link over)"


class PromTemplate(TenantModel, TimestampedModel):
    """A company's questionnaire built on one instrument of the scoring engine."""

    class Direction(models.TextChoices):
        AT_OR_ABOVE = "above", "Score at or above the threshold"
        AT_OR_BELOW = "below", "Score at or below the threshold"

    instrument = models.CharField(max_length=20, help_text="Scoring engine instrument code (apps.physio.scoring)")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    current_version = models.PositiveIntegerField(default=0, editable=False)
    booking_threshold = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                            help_text="A score past this creates a booking request for reception")
    booking_direction = models.CharField(max_length=5, choices=Direction.choices, default=Direction.AT_OR_ABOVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "instrument"], name="prom_template_one_per_instrument")]

    def __str__(self):
        return self.name

    def threshold_crossed(self, score) -> bool:
        if self.booking_threshold is None or score is None:
            return False
        if self.booking_direction == self.Direction.AT_OR_BELOW:
            return score <= self.booking_threshold
        return score >= self.booking_threshold


class PromTemplateVersion(TenantModel, TimestampedModel):
    """One frozen version of a template: its items (key, label, options with values) as shown."""

    company_from = "template"
    template = models.ForeignKey(PromTemplate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    instrument = models.CharField(max_length=20, editable=False)
    items = models.JSONField(help_text='[{"key": "q1", "label": "…", "options": [{"value": 0, "label": "…"}]}]')
    created_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["template", "-version"]
        constraints = [models.UniqueConstraint(fields=["template", "version"], name="prom_version_unique")]

    def __str__(self):
        return f"{self.template} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Template versions are append-only: make a new version")
        super().save(*args, **kwargs)


class PromInstance(TenantModel, TimestampedModel):
    """One questionnaire sent to one patient. The signed link carries this row's id and company; it
    opens until ``expires_at`` and only until the response is submitted (``link_used_at``)."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="prom_instances")
    template_version = models.ForeignKey(PromTemplateVersion, on_delete=models.PROTECT, related_name="instances")
    case = models.ForeignKey("clinical.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("physio.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey("physio.PromSchedule", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="instances")
    sent_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    expires_at = models.DateTimeField()
    draft_answers = models.JSONField(default=dict, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    link_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["draft_answers"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "-created_at"], name="prom_instance_patient")]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="prom_instance_idempotent"),
            models.CheckConstraint(condition=Q(link_used_at__isnull=True) | Q(status="completed"),
                                   name="prom_instance_used_means_completed"),
        ]

    def __str__(self):
        return f"{self.template_version.template} for {self.patient_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PromResponse(TenantModel, TimestampedModel):
    """The submitted answers, as given, with the score the engine computed from the version they were
    answered on (``score`` is None with ``score_reason`` when too few items were answered). Append-only."""

    company_from = "instance"
    instance = models.OneToOneField(PromInstance, on_delete=models.PROTECT, related_name="response")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="prom_responses",
                                editable=False)
    template_version = models.ForeignKey(PromTemplateVersion, on_delete=models.PROTECT, related_name="+",
                                         editable=False)
    instrument = models.CharField(max_length=20, editable=False)
    answers = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    score_reason = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    practitioner = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="Who sent it (for the outcomes report)")

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["patient", "instrument", "submitted_at"], name="prom_response_trend")]

    def __str__(self):
        return f"{self.instrument} {self.score if self.score is not None else '—'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("PROM responses are append-only")
        self.patient_id = self.instance.patient_id
        self.template_version_id = self.instance.template_version_id
        super().save(*args, **kwargs)


class PromFlag(TenantModel, TimestampedModel):
    """An urgent flag a response raised (PHQ-9 item 9 above 0): on the chart until acknowledged."""

    class Kind(models.TextChoices):
        PHQ9_ITEM9 = "phq9_item9", "PHQ-9 item 9 above 0 (thoughts of self-harm)"

    company_from = "response"
    response = models.ForeignKey(PromResponse, on_delete=models.PROTECT, related_name="flags")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="prom_flags",
                                editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    clinician = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledgement_note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["response", "kind"], name="prom_flag_once_per_response"),
            models.CheckConstraint(condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                                   name="prom_flag_ack_has_who"),
        ]
        indexes = [models.Index(fields=["patient", "acknowledged_at"], name="prom_flag_open")]

    def __str__(self):
        return self.get_kind_display()

    def save(self, *args, **kwargs):
        self.patient_id = self.response.patient_id
        super().save(*args, **kwargs)


class PromSchedule(TenantModel, TimestampedModel):
    """Send a template to a patient once, or at intake and then every N visits / N weeks of a plan."""

    class Mode(models.TextChoices):
        ONCE = "once", "Once"
        EVERY_N_VISITS = "visits", "At intake, then every N visits"
        EVERY_N_WEEKS = "weeks", "At intake, then every N weeks of the plan"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="prom_schedules")
    template = models.ForeignKey(PromTemplate, on_delete=models.PROTECT, related_name="schedules")
    plan = models.ForeignKey("physio.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=6, choices=Mode.choices, default=Mode.ONCE)
    interval = models.PositiveSmallIntegerField(default=0, help_text="N visits or N weeks (0 for once)")
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    visits_at_last_send = models.PositiveIntegerField(default=0, editable=False)
    sent_count = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(mode="once", interval=0) | (~Q(mode="once") & Q(interval__gte=1)),
                                   name="prom_schedule_interval"),
            models.CheckConstraint(condition=~Q(mode="weeks") | Q(plan__isnull=False), name="prom_schedule_weeks_plan"),
        ]

    def __str__(self):
        return f"{self.template} — {self.get_mode_display()}"
