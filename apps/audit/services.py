"""Writing audit rows, and the soft delete / restore every context shares.

Call these inside the caller's ``transaction.atomic`` block so the audit row commits or rolls
back with the change it records."""

from django.db import models, transaction
from django.utils import timezone

from apps.audit import context
from apps.audit.actions import action_name, validate_action_name
from apps.audit.models import AuditLog
from apps.audit.redaction import REDACTED, excluded_fields, redact_changes, redact_value, redacted_fields


def audit_log_record(*, company, actor, action: str, entity=None, changes=None,
                     severity=AuditLog.Severity.INFO, status_code=None, entity_type="", entity_id="") -> AuditLog:
    """One audit row. ``action`` is ``<entity>.<verb>`` (apps.audit.actions); secrets in
    ``changes`` are redacted (apps.audit.redaction) before anything is stored."""
    row = audit_log_build(company=company, actor=actor, action=action, entity=entity, changes=changes,
                          severity=severity, status_code=status_code, entity_type=entity_type, entity_id=entity_id)
    row.save(force_insert=True)
    return row


def audit_log_build(*, company, actor, action: str, entity=None, changes=None,
                    severity=AuditLog.Severity.INFO, status_code=None, entity_type="", entity_id="") -> AuditLog:
    """An unsaved audit row (for ``AuditLog.objects.bulk_create`` of many at once)."""
    validate_action_name(action)
    ctx = context.current()
    if entity is not None:
        entity_type = entity_type or entity._meta.label
        entity_id = entity_id or str(entity.pk)
    return AuditLog(
        company_id=getattr(company, "pk", company),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        changes=redact_changes(changes or {}, entity.__class__ if entity is not None else None),
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        endpoint=ctx.endpoint,
        method=ctx.method,
        status_code=status_code,
        severity=severity,
    )


def model_changes(instance: models.Model, before: dict) -> dict:
    """{field: [before, after]} for the concrete fields that differ from ``before``."""
    after = snapshot(instance)
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def snapshot(instance: models.Model) -> dict:
    """{field: value} of the concrete fields, secrets redacted, bookkeeping left out."""
    model = instance.__class__
    secret, excluded = redacted_fields(model), excluded_fields(model)
    values = {}
    for field in model._meta.concrete_fields:
        if field.name in excluded or field.attname in excluded:
            continue
        value = _jsonable(getattr(instance, field.attname))
        values[field.attname] = REDACTED if field.attname in secret and value not in (None, "") else value
    return values


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, dict)):
        return redact_value(value)
    return str(value)


def save_with_audit(*, instance, actor, action: str, savepoint: bool = True):
    """Save a tenant object, its history row (via simple-history) and its audit row, atomically.
    The "before" side of the audit diff is read from the locked database row, not from the
    instance (a bound ModelForm has already changed the instance in memory). ``savepoint=False``:
    the caller's own atomic block (or savepoint) already holds the three writes together, and an
    error rolls that block back whole — two round trips fewer (SAVEPOINT, RELEASE)."""
    with transaction.atomic(savepoint=savepoint):
        stored = None
        if not instance._state.adding:
            stored = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
        instance._history_user = actor
        instance.save()
        changes = model_changes(instance, snapshot(stored)) if stored is not None else snapshot(instance)
        audit_log_record(company=instance.company_id, actor=actor, action=action, entity=instance, changes=changes)
    return instance


def soft_delete(*, instance, actor, reason: str):
    if not reason.strip():
        raise ValueError("A reason is required to delete")
    with transaction.atomic():
        instance.deleted_at = timezone.now()
        instance.deleted_by = actor
        instance.delete_reason = reason.strip()
        instance._history_user = actor
        instance._change_reason = f"deleted: {reason.strip()}"
        instance.save()
        audit_log_record(company=instance.company_id, actor=actor, action=action_name(instance, "soft_delete"),
                         entity=instance,
                         changes={"reason": reason.strip()}, severity=AuditLog.Severity.NOTICE)
    return instance


def restore(*, instance, actor):
    with transaction.atomic():
        instance.deleted_at = None
        instance.deleted_by = None
        instance.delete_reason = ""
        instance._history_user = actor
        instance._change_reason = "restored"
        instance.save()
        audit_log_record(company=instance.company_id, actor=actor, action=action_name(instance, "restore"),
                         entity=instance,
                         severity=AuditLog.Severity.NOTICE)
    return instance
