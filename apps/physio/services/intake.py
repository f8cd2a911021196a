"""Intake forms by signed link: the patient's answers wait for staff review; only the fields staff
accept are written to the patient record (through clinical's ``patient_update``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.clinical.services.patients import patient_update
from apps.core.tasks import dispatch
from apps.physio.models import PATIENT_FIELDS, IntakeInstance

LINK_DAYS = 14
MAX_ANSWER = 2000


def intake_send(*, actor, patient, form, channel="email", days=LINK_DAYS) -> IntakeInstance:
    from apps.physio import tasks

    if form.company_id != patient.company_id or not form.is_active:
        raise ValidationError({"form": "Unknown form."})
    if channel == "email" and not patient.email:
        raise ValidationError({"channel": "This patient has no e-mail address."})
    if channel == "sms" and not patient.phone:
        raise ValidationError({"channel": "This patient has no phone number."})
    if channel not in ("email", "sms", "none"):
        raise ValidationError({"channel": "E-mail, text message or none."})
    with transaction.atomic():
        intake = IntakeInstance(patient=patient, form=form, sent_by=actor, channel=channel,
                                expires_at=timezone.now() + datetime.timedelta(days=days))
        intake._history_user = actor
        intake.save()
        audit_log_record(company=patient.company_id, actor=actor, action="intake.send", entity=intake)
        if channel != "none":
            dispatch(tasks.send_intake_link, company_id=str(patient.company_id), intake_id=str(intake.pk))
    return intake


def intake_keys(form) -> list[str]:
    return PATIENT_FIELDS + [str(q.get("key")) for q in form.questions if isinstance(q, dict) and q.get("key")]


def link_check(intake) -> None:
    if intake.link_used_at is not None:
        raise ValidationError("This form was already submitted: the link has been used.")
    if intake.expires_at <= timezone.now():
        raise ValidationError(f"This link expired on {timezone.localtime(intake.expires_at):%B %-d, %Y}.")


def _locked(intake) -> IntakeInstance:
    return (IntakeInstance.objects.for_company(intake.company_id).select_for_update(of=("self",))
            .select_related("form", "patient").get(pk=intake.pk))


def intake_autosave(*, intake, key, value) -> dict:
    with transaction.atomic():
        locked = _locked(intake)
        link_check(locked)
        if key not in intake_keys(locked.form):
            raise ValidationError({"key": "Unknown field."})
        draft = dict(locked.draft)
        draft[key] = str(value or "")[:MAX_ANSWER]
        locked.draft = draft
        locked.save(update_fields=["draft", "updated_at"])
    return draft


def intake_submit(*, intake, answers: dict, consent: bool) -> IntakeInstance:
    with transaction.atomic():
        locked = _locked(intake)
        link_check(locked)
        if locked.form.consent_text and not consent:
            raise ValidationError({"consent": "Please read and accept the consent to submit."})
        keys = intake_keys(locked.form)
        locked.answers = {key: str(answers.get(key) or "").strip()[:MAX_ANSWER] for key in keys
                          if str(answers.get(key) or "").strip()}
        locked.consent_given, locked.link_used_at = bool(consent), timezone.now()
        locked.review = IntakeInstance.Review.PENDING
        locked.save()
        audit_log_record(company=locked.company_id, actor=None, action="intake.submit", entity=locked,
                         changes={"fields": sorted(locked.answers)})
    return locked


def intake_changes(intake) -> list[dict]:
    """What the intake would change on the patient: [{field, current, proposed}]."""
    patient = intake.patient
    return [{"field": field, "current": getattr(patient, field), "proposed": intake.answers[field]}
            for field in PATIENT_FIELDS if field in intake.answers and intake.answers[field] != getattr(patient, field)]


def intake_review(*, actor, intake, accept: list[str]) -> IntakeInstance:
    """Write the accepted fields to the patient record; the rest stay on the intake only."""
    with transaction.atomic():
        locked = _locked(intake)
        if locked.review != IntakeInstance.Review.PENDING:
            raise ValidationError("This intake is not waiting for review.")
        proposed = {c["field"]: c["proposed"] for c in intake_changes(locked)}
        unknown = set(accept) - set(proposed)
        if unknown:
            raise ValidationError({"accept": "Only fields the intake changes can be accepted."})
        if accept:
            patient_update(actor=actor, patient=locked.patient, data={field: proposed[field] for field in accept})
        locked.review, locked.reviewed_by, locked.reviewed_at = IntakeInstance.Review.APPLIED, actor, timezone.now()
        locked.applied_fields = sorted(accept)
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="intake.review", entity=locked,
                         changes={"applied": sorted(accept)})
    return locked
