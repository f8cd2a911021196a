from django.core.exceptions import ValidationError

from apps.audit.services import save_with_audit
from apps.clinical.models import NurseLog


def nurse_log_add(*, actor, patient, site, kind: str, text: str, logged_at=None) -> NurseLog:
    if site.company_id != patient.company_id:
        raise ValidationError("Unknown site.")
    entry = NurseLog(patient=patient, site=site, author=actor, kind=kind, text=text.strip())
    if logged_at is not None:
        entry.logged_at = logged_at
    entry.company_id = patient.company_id
    entry.full_clean()
    return save_with_audit(instance=entry, actor=actor, action="nurse_log.add")
