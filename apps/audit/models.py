"""The append-only audit log. Rows are written in the same transaction as the change they
describe; a PostgreSQL trigger (migration 0002) refuses UPDATE and DELETE."""

import uuid

from django.db import models
from django.utils import timezone

from apps.core.scoping import TenantManager


class AuditLog(models.Model):
    class Severity(models.TextChoices):
        INFO = "info", "Info"
        NOTICE = "notice", "Notice"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null only for events before any tenant is known (a failed login for an unknown email).
    company = models.ForeignKey("tenants.Company", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=True)
    actor = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=50)
    entity_type = models.CharField(max_length=100, blank=True)
    entity_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [before, after]}')
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    endpoint = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "entity_type", "entity_id"], name="audit_entity"),
            models.Index(fields=["company", "-created_at"], name="audit_company_recent"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.entity_type} {self.entity_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Audit rows are append-only")
        super().save(*args, **kwargs)


class AccessLog(models.Model):
    """Who read which protected record, when, from where (HIPAA §164.312(b)). Append-only like
    ``AuditLog`` (a trigger refuses UPDATE/DELETE). Written in one bulk insert per request or
    task by ``apps.audit.access``; a model opts in with ``access_logged = True`` (or
    ``apps.audit.access.ACCESS_LOGGED_MODELS``)."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"

    # Written hot (a day view logs its 200 patients in one insert) and never changed: PostgreSQL
    # would check both keys for every row at commit (400 key-share locks on the same two rows per
    # request), so the references are kept by Django (PROTECT: a company or user with access-log
    # rows cannot be deleted) and by the one writer, which takes both from the signed-in request
    # or the record read. The company's own index is the prefix of ``access_record``/``access_actor``.
    company = models.ForeignKey("tenants.Company", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_constraint=False, db_index=False)
    actor = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    entity_type = models.CharField(max_length=100)
    entity_id = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    endpoint = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "entity_type", "entity_id", "-created_at"], name="access_record"),
            models.Index(fields=["company", "actor", "-created_at"], name="access_actor"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.entity_type} {self.entity_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Access log rows are append-only")
        super().save(*args, **kwargs)
