"""Allergies, problems, medications, immunizations, procedures: add, correct, or mark entered in
error — never delete. Each change is a history row and an audit row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record, save_with_audit
from apps.clinical.models import Allergy, Immunization, Medication, Problem, Procedure

# URL slug → model; the chart, the pages and the API all use this registry.
RECORD_KINDS = {
    "allergies": Allergy,
    "problems": Problem,
    "medications": Medication,
    "immunizations": Immunization,
    "procedures": Procedure,
}
RECORD_FIELDS = {
    "allergies": ["substance", "reaction", "severity", "status", "noted_on"],
    "problems": ["description", "code", "code_system", "status", "onset_date", "resolved_date"],
    "medications": ["name", "dose", "route", "frequency", "status", "started_on", "stopped_on"],
    "immunizations": ["vaccine", "given_on", "dose_number", "lot_number", "notes"],
    "procedures": ["name", "performed_on", "code", "notes"],
}


def kind_of(entry) -> str:
    return next(kind for kind, model in RECORD_KINDS.items() if isinstance(entry, model))


def record_add(*, actor, patient, kind: str, data: dict):
    model = RECORD_KINDS[kind]
    entry = model(patient=patient, recorded_by=actor,
                  **{key: value for key, value in data.items() if key in RECORD_FIELDS[kind]})
    entry.company_id = patient.company_id
    entry.full_clean()
    return save_with_audit(instance=entry, actor=actor, action=f"{kind}.add")


def record_update(*, actor, entry, data: dict):
    if entry.entered_in_error:
        raise ValidationError("This entry was marked entered in error; add a new one instead.")
    kind = kind_of(entry)
    for key, value in data.items():
        if key in RECORD_FIELDS[kind]:
            setattr(entry, key, value)
    entry.full_clean()
    return save_with_audit(instance=entry, actor=actor, action=f"{kind}.update")


def record_mark_entered_in_error(*, actor, entry, reason: str):
    if not reason.strip():
        raise ValidationError({"reason": "Say what was wrong with this entry."})
    if entry.entered_in_error:
        return entry
    with transaction.atomic():
        entry.entered_in_error_at = timezone.now()
        entry.entered_in_error_by = actor
        entry.entered_in_error_reason = reason.strip()
        entry._history_user = actor
        entry._change_reason = f"entered in error: {reason.strip()}"
        entry.save()
        audit_log_record(company=entry.company_id, actor=actor, action=f"{kind_of(entry)}.enter_in_error",
                         entity=entry, changes={"reason": reason.strip()}, severity=AuditLog.Severity.NOTICE)
    return entry
