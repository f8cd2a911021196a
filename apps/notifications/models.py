"""Notifications: one row per message to one person on one channel, sent at most once."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"


class Notification(TenantModel, TimestampedModel):
    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (preference off)"

    company_from = "user"
    user = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, help_text="A registered kind's key (apps.notifications.kinds)")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    title = models.CharField(max_length=255)
    message = models.TextField()
    action_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True,
                                       help_text="Same key, same notification: a retried task never sends twice")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["status", "scheduled_for"], name="notification_due"),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(TenantModel, TimestampedModel):
    company_from = "user"
    user = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=40, help_text="A registered kind's key (apps.notifications.kinds)")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user", "kind", "channel"], name="preference_unique"),
        ]
