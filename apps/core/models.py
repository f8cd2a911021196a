"""The task outbox: one row per task dispatched with a broker (``apps.core.tasks.dispatch``).

The row is written in the caller's transaction, so a task exists exactly when the write that
asked for it committed; the broker only carries a copy. See ``apps/core/outbox.py``.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """A task to run once. Its id is the Celery task id of every copy published to the broker.

    Not a ``TenantModel``: the relay and the purge work across tenants, and ``core`` sits below
    ``tenants``, so ``company_id`` is a plain column (set when the task takes a ``company_id``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    company_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, help_text="handed to the broker")
    executed_at = models.DateTimeField(null=True, blank=True, help_text="the task committed its work")
    attempts = models.PositiveIntegerField(default=0, help_text="publish attempts")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            # the relay's question: what is still waiting for the broker?
            models.Index(fields=["created_at"], name="outbox_unpublished",
                         condition=Q(published_at__isnull=True, executed_at__isnull=True)),
            models.Index(fields=["executed_at"], name="outbox_executed"),
        ]

    def __str__(self):
        return f"{self.task_name} {self.pk}"
