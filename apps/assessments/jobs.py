"""Jobs run by the assessments tasks (apps.assessments.tasks): notifying the people an assessment
or a request concerns, and the periodic reminders and expiry. Notifications are written in the
same transaction as the change that causes them; their delivery is dispatched on commit."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.signing import assessor_link_path
from apps.audit.services import save_with_audit
from apps.core.links import absolute_url
from apps.notifications.services import notification_send


def assessment_notify_learner(*, company_id, assessment_id) -> bool:
    """Tell the learner about a new assessment; False when it is gone (deleted before the worker ran)."""
    assessment = (EPAAssessment.objects.for_company(company_id).select_related("learner__user", "assessor", "epa")
                  .filter(pk=assessment_id).first())
    if assessment is None:
        return False
    notification_send(
        company_id=assessment.company_id, user=assessment.learner.user, kind="assessment_received",
        context={"assessment": assessment},
        action_url=reverse("assessments:detail", kwargs={"assessment_id": assessment.pk}),
        idempotency_key=f"assessment:{assessment.pk}:received")
    return True


def request_notify_assessor(*, company_id, request_id, kind, key) -> bool:
    """Ask (or remind) the assessor, with the signed link that needs no sign-in."""
    request = (AssessmentRequest.objects.for_company(company_id).select_related("learner__user", "assessor", "epa")
               .filter(pk=request_id).first())
    if request is None:
        return False
    _notify_assessor(request, kind=kind, key=key)
    return True


def request_notify_learner(*, company_id, request_id, kind, key) -> bool:
    """Tell the learner about their request (declined: with the assessor's reason)."""
    request = (AssessmentRequest.objects.for_company(company_id).select_related("learner__user", "assessor", "epa")
               .filter(pk=request_id).first())
    if request is None:
        return False
    notification_send(company_id=request.company_id, user=request.learner.user, kind=kind,
                      context={"request": request},
                      action_url=reverse("assessments:request_detail", kwargs={"request_id": request.pk}),
                      idempotency_key=f"request:{request.pk}:{key}")
    return True


def _notify_assessor(request, *, kind, key) -> None:
    """The assessor's own link (apps.assessments.signing): only their e-mail and inbox carry it."""
    link = absolute_url(assessor_link_path(request))
    notification_send(company_id=request.company_id, user=request.assessor, kind=kind,
                      context={"request": request, "link": link}, action_url=link,
                      idempotency_key=f"request:{request.pk}:{key}")


def assessment_request_expire_due(*, company_id) -> int:
    """Expire open requests past their expiry; the learner is told. Returns how many expired."""
    due = AssessmentRequest.objects.for_company(company_id).filter(
        status=AssessmentRequest.Status.OPEN, expires_at__lte=timezone.now())
    expired = 0
    for request in due.select_related("learner__user", "assessor", "epa"):
        with transaction.atomic():
            locked = AssessmentRequest.objects.for_company(company_id).select_for_update().get(pk=request.pk)
            if locked.status != AssessmentRequest.Status.OPEN:
                continue
            locked.status = AssessmentRequest.Status.EXPIRED
            save_with_audit(instance=locked, actor=None, action="assessment_request.expire")
            notification_send(
                company_id=request.company_id, user=request.learner.user, kind="request_expired",
                context={"request": request},
                action_url=reverse("assessments:request_detail", kwargs={"request_id": request.pk}),
                idempotency_key=f"request:{request.pk}:expired")
            expired += 1
    return expired


def request_reminder_due(request, now) -> bool:
    """For an overdue request (``AssessmentRequest.objects.overdue()``): the first reminder at
    once, then one every ``reminder_every_days``."""
    if request.last_reminded_at is None:
        return True
    return request.last_reminded_at <= now - datetime.timedelta(days=request.learner.program.reminder_every_days)


def assessment_request_remind_due(*, company_id) -> int:
    """Remind assessors of overdue requests (open ``reminder_first_after_days``: the one definition
    the board and the to-do use), then every M days (program settings)."""
    now = timezone.now()
    candidates = AssessmentRequest.objects.for_company(company_id).overdue(now).filter(
        expires_at__gt=now).select_related("learner__program", "learner__user", "assessor", "epa")
    reminded = 0
    for request in candidates:
        if not request_reminder_due(request, now):
            continue
        with transaction.atomic():
            request.last_reminded_at, request.reminder_count = now, request.reminder_count + 1
            save_with_audit(instance=request, actor=None, action="assessment_request.remind")
            _notify_assessor(request, kind="assessment_reminder", key=f"reminder:{request.reminder_count}")
        reminded += 1
    return reminded
