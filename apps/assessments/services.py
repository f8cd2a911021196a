"""Writes for EPA assessments and assessment requests (HackSoft services: keyword-only, actor and
tenant explicit, atomic, audited; side effects only on commit)."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import (
    AssessmentFeedbackTag, AssessmentRequest, CaseType, EntrustmentLevel, EPAAssessment, FeedbackTag,
)
from apps.assessments.analytics_tasks import schedule_analytics_refresh
from apps.assessments.signing import request_link_path
from apps.assessments.tasks import notify_learner_of_assessment
from apps.audit.services import restore, save_with_audit, soft_delete
from apps.core.tasks import dispatch
from apps.tenants.access import has_role
from apps.tenants.roles import ASSESSORS, PROGRAM_MANAGERS, Role

CASE_FIELDS = ("rotation_assignment", "site", "case_type", "case_urgency", "patient_asa_class",
               "procedure_minutes", "complications_occurred", "location_type", "location_details",
               "narrative_feedback")
EDITABLE_FIELDS = ("entrustment_level", "assessment_date") + CASE_FIELDS
MANAGERS = PROGRAM_MANAGERS | {Role.ORG_ADMIN}


# ------------------------------------------------------------------ validation
def assessor_may_assess(*, assessor, learner, request=None) -> bool:
    """Faculty/preceptor/supervisor/director of the learner's program, or the request's assessor."""
    if assessor.company_id != learner.company_id:
        return False
    if request is not None and request.assessor_id == assessor.pk and request.learner_id == learner.pk:
        return True
    return has_role(assessor, ASSESSORS, program=learner.program)


def _ids(items) -> list:
    return [getattr(item, "pk", item) for item in items if item not in (None, "")]


def _level_errors(epa, level) -> dict:
    if level in (None, ""):
        return {"entrustment_level": "Choose an entrustment level."}
    if not EntrustmentLevel.objects.filter(scale_id=epa.epa_set.scale_id, number=level).exists():
        return {"entrustment_level": "That level is not on this EPA's entrustment scale."}
    return {}


def _case_errors(*, company_id, epa, learner, case) -> dict:
    errors = {}
    asa, minutes = case.get("patient_asa_class"), case.get("procedure_minutes")
    if asa is not None and not 1 <= int(asa) <= 6:
        errors["patient_asa_class"] = "ASA class is between 1 and 6."
    if minutes is not None and not 0 <= int(minutes) <= 1440:
        errors["procedure_minutes"] = "Minutes are between 0 and 1440 (one day)."
    case_type = case.get("case_type")
    if case_type is not None and (
        case_type.epa_id != epa.pk or not CaseType.objects.visible_to(company_id).filter(pk=case_type.pk).exists()
    ):
        errors["case_type"] = "That case type does not belong to this EPA."
    assignment = case.get("rotation_assignment")
    if assignment is not None and assignment.learner_id != learner.pk:
        errors["rotation_assignment"] = "That rotation is not this learner's."
    site = case.get("site")
    if site is not None and site.company_id != company_id:
        errors["site"] = "Unknown site."
    return errors


def _tag_errors(*, company_id, went_well, needs_work) -> dict:
    wanted = set(went_well) | set(needs_work)
    if set(went_well) & set(needs_work):
        return {"tags_needs_work": "A tag cannot be both 'went well' and 'needs work'."}
    visible = FeedbackTag.objects.visible_to(company_id).filter(pk__in=wanted, is_active=True).count()
    return {} if visible == len(wanted) else {"tags_went_well": "Unknown feedback tag."}


def assessment_errors(*, assessor, learner, epa, entrustment_level, assessment_date, request=None,
                      went_well=(), needs_work=(), case=None) -> dict:
    """Every rule an assessment must meet, as {field: message}; empty when valid."""
    if learner is None or learner.company_id != assessor.company_id:
        return {"learner": "Choose a learner from your program."}
    if not assessor_may_assess(assessor=assessor, learner=learner, request=request):
        return {"learner": "You do not assess learners of this program."}
    if epa is None or learner.program.epa_set_id != epa.epa_set_id:
        return {"epa": "Choose an EPA of the learner's program."}
    errors = _level_errors(epa, entrustment_level)
    if assessment_date is None:
        errors["assessment_date"] = "Enter the date of the case."
    elif assessment_date > timezone.localdate():
        errors["assessment_date"] = "The case date cannot be in the future."
    errors.update(_case_errors(company_id=learner.company_id, epa=epa, learner=learner, case=case or {}))
    errors.update(_tag_errors(company_id=learner.company_id, went_well=went_well, needs_work=needs_work))
    return errors


# ------------------------------------------------------------------ submit
def _assessment_by_key(company_id, key):
    return EPAAssessment.all_objects.for_company(company_id).filter(submission_key=key).first()


def _submission_key(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ValidationError({"submission_key": "Reload the form and submit again."})


def assessment_submit(*, assessor, learner, epa, entrustment_level, assessment_date, submission_key, entry_method,
                      tags_went_well=(), tags_needs_work=(), request=None, **case_context) -> EPAAssessment:
    """Record one assessment. Idempotent: the same submission_key returns the first record."""
    unknown = set(case_context) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    key = _submission_key(submission_key)
    existing = _assessment_by_key(assessor.company_id, key)
    if existing is not None:
        return existing
    went_well, needs_work = _ids(tags_went_well), _ids(tags_needs_work)
    errors = assessment_errors(assessor=assessor, learner=learner, epa=epa, entrustment_level=entrustment_level,
                               assessment_date=assessment_date, request=request, went_well=went_well,
                               needs_work=needs_work, case=case_context)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            assessment = EPAAssessment(
                learner=learner, assessor=assessor, epa=epa, entrustment_level=int(entrustment_level),
                assessment_date=assessment_date, submitted_at=timezone.now(), submission_key=key,
                entry_method=entry_method, request=request, **case_context)
            if request is not None:
                _request_complete(request=request, actor=assessor, via_link=entry_method == EPAAssessment.EntryMethod.LINK)
            save_with_audit(instance=assessment, actor=assessor, action="assessment_submitted")
            _tags_replace(assessment=assessment, went_well=went_well, needs_work=needs_work)
            dispatch(notify_learner_of_assessment, company_id=str(assessment.company_id),
                     assessment_id=str(assessment.pk))
    except IntegrityError:
        existing = _assessment_by_key(assessor.company_id, key)
        if existing is None:
            raise
        return existing
    transaction.on_commit(schedule_analytics_refresh)
    return assessment


def _tags_replace(*, assessment, went_well, needs_work) -> None:
    assessment.tag_links.all().delete()
    AssessmentFeedbackTag.objects.bulk_create(
        [AssessmentFeedbackTag(assessment=assessment, tag_id=tag_id, tag_type="went_well", company_id=assessment.company_id)
         for tag_id in went_well]
        + [AssessmentFeedbackTag(assessment=assessment, tag_id=tag_id, tag_type="needs_work",
                                 company_id=assessment.company_id) for tag_id in needs_work])


def _request_complete(*, request, actor, via_link) -> None:
    """Lock the request row so two racing submissions cannot both answer it."""
    locked = AssessmentRequest.objects.for_company(request.company_id).select_for_update().get(pk=request.pk)
    if locked.status != AssessmentRequest.Status.OPEN or locked.link_used_at is not None:
        raise ValidationError({"request": "This request is no longer open."})
    now = timezone.now()
    locked.status, locked.completed_at = AssessmentRequest.Status.COMPLETED, now
    if via_link:
        locked.link_used_at = now
    save_with_audit(instance=locked, actor=actor, action="assessment_request_completed")
    request.status, request.completed_at, request.link_used_at = locked.status, now, locked.link_used_at


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def assessment_notify_learner(*, company_id, assessment_id) -> bool:
    """Called by the task: False when the assessment is gone (deleted before the worker ran)."""
    assessment = (EPAAssessment.objects.for_company(company_id).select_related("learner__user", "assessor", "epa")
                  .filter(pk=assessment_id).first())
    if assessment is None:
        return False
    _notify_learner(assessment)
    return True


def _notify_learner(assessment) -> None:
    from apps.notifications.models import Channel, Kind
    from apps.notifications.services import notification_send

    notification_send(
        company_id=assessment.company_id, user=assessment.learner.user, kind=Kind.ASSESSMENT_RECEIVED,
        title=f"New assessment: {assessment.epa.short_name}",
        message=f"{assessment.assessor} assessed you on {assessment.epa} (level {assessment.entrustment_level}).",
        action_url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
        channels=[Channel.IN_APP, Channel.EMAIL], idempotency_key=f"assessment:{assessment.pk}:received")


# ------------------------------------------------------------------ edit, delete, restore, acknowledge
def assessment_edit_deadline(assessment) -> datetime.datetime:
    return assessment.submitted_at + datetime.timedelta(hours=assessment.program.assessment_edit_window_hours)


def assessment_is_editable(*, assessment, user) -> bool:
    return (assessment.assessor_id == user.pk and not assessment.is_deleted
            and timezone.now() < assessment_edit_deadline(assessment))


def assessment_edit(*, actor, assessment, tags_went_well=None, tags_needs_work=None, **changes) -> EPAAssessment:
    """The assessor may correct an assessment within the program's edit window; then it is locked."""
    if assessment.assessor_id != actor.pk:
        raise PermissionDenied("Only the assessor may edit an assessment")
    if not assessment_is_editable(assessment=assessment, user=actor):
        raise ValidationError({"__all__": "This assessment is locked: the edit window has closed."})
    values = {name: changes.get(name, getattr(assessment, name)) for name in EDITABLE_FIELDS}
    went_well = _ids(tags_went_well) if tags_went_well is not None else _tag_ids(assessment, "went_well")
    needs_work = _ids(tags_needs_work) if tags_needs_work is not None else _tag_ids(assessment, "needs_work")
    errors = assessment_errors(assessor=actor, learner=assessment.learner, epa=assessment.epa,
                               entrustment_level=values["entrustment_level"], request=assessment.request,
                               assessment_date=values["assessment_date"], went_well=went_well, needs_work=needs_work,
                               case={name: values[name] for name in CASE_FIELDS})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.edited, assessment.last_edited_at = True, timezone.now()
        save_with_audit(instance=assessment, actor=actor, action="assessment_edited")
        _tags_replace(assessment=assessment, went_well=went_well, needs_work=needs_work)
        transaction.on_commit(schedule_analytics_refresh)
    return assessment


def _tag_ids(assessment, tag_type) -> list:
    return [link.tag_id for link in assessment.tag_links.all() if link.tag_type == tag_type]


def _require_manager(actor, assessment) -> None:
    if not has_role(actor, MANAGERS, program=assessment.program):
        raise PermissionDenied("Only the program's coordinator or director may do this")


def assessment_soft_delete(*, actor, assessment, reason: str) -> EPAAssessment:
    _require_manager(actor, assessment)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why this assessment is deleted."})
    with transaction.atomic():
        transaction.on_commit(schedule_analytics_refresh)  # the deleted row leaves every metric
        return soft_delete(instance=assessment, actor=actor, reason=reason)


def assessment_restore(*, actor, assessment) -> EPAAssessment:
    _require_manager(actor, assessment)
    with transaction.atomic():
        transaction.on_commit(schedule_analytics_refresh)
        return restore(instance=assessment, actor=actor)


def assessment_acknowledge(*, actor, assessment) -> EPAAssessment:
    if assessment.learner.user_id != actor.pk:
        raise PermissionDenied("Only the learner acknowledges their assessment")
    if assessment.acknowledged_at is None:
        assessment.acknowledged_at = timezone.now()
        save_with_audit(instance=assessment, actor=actor, action="assessment_acknowledged")
    return assessment


# ------------------------------------------------------------------ requests
def assessment_request_errors(*, learner_user, learner, assessor, epa, case_date) -> dict:
    if learner is None or learner.user_id != learner_user.pk:
        return {"learner": "You can only request assessments for yourself."}
    if assessor is None or not assessor_may_assess(assessor=assessor, learner=learner):
        return {"assessor": "Choose a faculty member of your program."}
    if epa is None or epa.epa_set_id != learner.program.epa_set_id:
        return {"epa": "Choose an EPA of your program."}
    if case_date is None or case_date > timezone.localdate():
        return {"case_date": "The case date cannot be in the future."}
    open_count = AssessmentRequest.objects.for_company(learner.company_id).filter(
        assessor=assessor, learner__program=learner.program, status=AssessmentRequest.Status.OPEN).count()
    if open_count >= learner.program.max_open_requests_per_assessor:
        return {"assessor": f"{assessor} already has {open_count} open requests; ask someone else or wait."}
    return {}


def assessment_request_create(*, learner_user, learner, assessor, epa, case_date, case_type=None,
                              rotation_assignment=None, note="", submission_key=None) -> AssessmentRequest:
    if submission_key is not None:
        existing = AssessmentRequest.objects.for_company(learner_user.company_id).filter(
            submission_key=submission_key).first()
        if existing is not None:
            return existing
    errors = assessment_request_errors(learner_user=learner_user, learner=learner, assessor=assessor, epa=epa,
                                       case_date=case_date)
    if case_type is not None and case_type.epa_id != getattr(epa, "pk", None):
        errors.setdefault("case_type", "That case type does not belong to this EPA.")
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + datetime.timedelta(days=learner.program.request_expiry_days)
    request = AssessmentRequest(learner=learner, assessor=assessor, epa=epa, case_date=case_date, case_type=case_type,
                                rotation_assignment=rotation_assignment, note=note, expires_at=expires_at,
                                submission_key=submission_key)
    with transaction.atomic():
        save_with_audit(instance=request, actor=learner_user, action="assessment_request_created")
    transaction.on_commit(lambda: _notify_assessor(request, kind="assessment_requested", key="requested"))
    return request


def _notify_assessor(request, *, kind, key) -> None:
    from apps.notifications.models import Channel
    from apps.notifications.services import notification_send

    link = _absolute(request_link_path(request))
    verb = "Reminder: " if kind == "assessment_reminder" else ""
    notification_send(
        company_id=request.company_id, user=request.assessor, kind=kind,
        title=f"{verb}{request.learner} asks for an assessment of {request.epa.short_name}",
        message=f"Case on {request.case_date:%B %-d, %Y}. {request.note}\nAssess now (no sign-in needed): {link}",
        action_url=link, channels=[Channel.IN_APP, Channel.EMAIL],
        idempotency_key=f"request:{request.pk}:{key}")


def assessment_request_expire_due(*, company_id) -> int:
    """Expire open requests past their expiry; the learner is told. Returns how many expired."""
    due = AssessmentRequest.objects.for_company(company_id).filter(
        status=AssessmentRequest.Status.OPEN, expires_at__lte=timezone.now())
    expired = 0
    for request in due.select_related("learner__user", "epa"):
        with transaction.atomic():
            locked = AssessmentRequest.objects.for_company(company_id).select_for_update().get(pk=request.pk)
            if locked.status != AssessmentRequest.Status.OPEN:
                continue
            locked.status = AssessmentRequest.Status.EXPIRED
            save_with_audit(instance=locked, actor=None, action="assessment_request_expired")
            transaction.on_commit(lambda request=request: _notify_learner_expired(request))
            expired += 1
    return expired


def _notify_learner_expired(request) -> None:
    from apps.notifications.models import Channel, Kind
    from apps.notifications.services import notification_send

    notification_send(
        company_id=request.company_id, user=request.learner.user, kind=Kind.REQUEST_EXPIRED,
        title=f"Your request to {request.assessor} expired",
        message=f"Nobody answered your request for {request.epa} (case on {request.case_date}).",
        action_url=reverse("assessments:request_detail", kwargs={"request_id": request.pk}),
        channels=[Channel.IN_APP], idempotency_key=f"request:{request.pk}:expired")


def request_reminder_due(request, now) -> bool:
    program = request.learner.program
    if request.last_reminded_at is None:
        return request.created_at <= now - datetime.timedelta(days=program.reminder_first_after_days)
    return request.last_reminded_at <= now - datetime.timedelta(days=program.reminder_every_days)


def assessment_request_remind_due(*, company_id) -> int:
    """Remind assessors of open requests, first after N days then every M days (program settings)."""
    now = timezone.now()
    candidates = AssessmentRequest.objects.for_company(company_id).filter(
        status=AssessmentRequest.Status.OPEN, expires_at__gt=now).select_related(
        "learner__program", "learner__user", "assessor", "epa")
    reminded = 0
    for request in candidates:
        if not request_reminder_due(request, now):
            continue
        with transaction.atomic():
            request.last_reminded_at, request.reminder_count = now, request.reminder_count + 1
            save_with_audit(instance=request, actor=None, action="assessment_request_reminded")
            transaction.on_commit(lambda request=request, n=request.reminder_count: _notify_assessor(
                request, kind="assessment_reminder", key=f"reminder:{n}"))
        reminded += 1
    return reminded


def request_link_opened(*, request, visitor) -> None:
    """Audit each use of a signed link (who opened it, from where: the audit context has the IP)."""
    from apps.audit.services import audit_log_record

    audit_log_record(company=request.company_id, actor=visitor, action="assessment_link_opened", entity=request,
                     changes={"assessor": str(request.assessor_id)})
