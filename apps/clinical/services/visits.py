from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import save_with_audit
from apps.clinical.models import Case, Visit


def case_open(*, actor, patient, title: str, responsible_practitioner, diagnosis_text="", diagnosis_code="") -> Case:
    if responsible_practitioner.company_id != patient.company_id:
        raise ValidationError({"responsible_practitioner": "Choose someone in this organization."})
    case = Case(patient=patient, title=title, diagnosis_text=diagnosis_text, diagnosis_code=diagnosis_code,
                responsible_practitioner=responsible_practitioner)
    case.company_id = patient.company_id
    case.full_clean()
    return save_with_audit(instance=case, actor=actor, action="case.open")


def case_close(*, actor, case) -> Case:
    case.status, case.closed_at = Case.Status.CLOSED, timezone.now()
    return save_with_audit(instance=case, actor=actor, action="case.close")


def visit_create(*, actor, case, site, practitioner, visited_at=None, reason="", appointment_id=None) -> Visit:
    if site.company_id != case.company_id or practitioner.company_id != case.company_id:
        raise ValidationError("The site and practitioner must belong to this organization.")
    if case.status == Case.Status.CLOSED:
        raise ValidationError("This case is closed; reopen it or open a new case.")
    visit = Visit(case=case, site=site, practitioner=practitioner, visited_at=visited_at or timezone.now(),
                  reason=reason, appointment_id=appointment_id)
    visit.company_id = case.company_id
    return save_with_audit(instance=visit, actor=actor, action="visit.create")


def visit_lock(*, actor, visit) -> Visit:
    """Lock the visit: no new notes (signing a note is separate; addenda remain possible)."""
    with transaction.atomic():
        if visit.is_locked:
            return visit
        visit.locked_at, visit.locked_by = timezone.now(), actor
        if visit.status == Visit.Status.IN_PROGRESS:
            visit.status = Visit.Status.COMPLETED
        return save_with_audit(instance=visit, actor=actor, action="visit.lock")
