"""In-app notifications for the demo logins, so each inbox has something to show: the resident's
latest assessments, the faculty member's open requests, a schedule change for both.

Rows are bulk-created as already delivered (``sent``); nothing is e-mailed. Each has a unique
``demo:…`` idempotency key, and a company that already has demo notifications is left alone.
"""

from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.signing import request_link_path
from apps.notifications.models import Channel, Kind, Notification
from apps.core.scoping import unscoped


def seed(world, log=print):
    nw = world["northwind"]
    with unscoped("demo seeding: Northwind notifications"):
        if Notification.objects.for_company(nw["company"]).filter(idempotency_key__startswith="demo:").exists():
            log("notifications: Northwind demo notifications already exist; nothing to do")
            return
        rows = _received(nw) + _requested(nw) + _schedule_changed(nw)
        bulk_create_with_history(rows, Notification, default_user=nw["users"]["coordinator"])
    log(f"notifications: {len(rows)} in-app notifications for the Northwind demo logins")


def _row(user, kind, title, message, action_url, key, read=False) -> Notification:
    now = timezone.now()
    return Notification(company_id=user.company_id, user=user, kind=kind, channel=Channel.IN_APP, title=title[:255],
                        message=message, action_url=action_url[:500], status=Notification.Status.SENT, sent_at=now,
                        read_at=now if read else None, attempts=1, idempotency_key=f"demo:{key}:{Channel.IN_APP}")


def _received(nw) -> list:
    resident = nw["users"]["resident"]
    latest = (EPAAssessment.objects.for_company(nw["company"]).filter(learner__user=resident)
              .select_related("epa", "assessor").order_by("-assessment_date", "-submitted_at")[:8])
    return [_row(resident, Kind.ASSESSMENT_RECEIVED, f"New assessment: {a.epa.short_name}",
                 f"{a.assessor} assessed you on {a.epa} (level {a.entrustment_level}).",
                 reverse("assessments:detail", kwargs={"assessment_id": a.pk}), f"assessment:{a.pk}:received",
                 read=index >= 3)
            for index, a in enumerate(latest)]


def _requested(nw) -> list:
    faculty = nw["users"]["faculty"]
    requests = (AssessmentRequest.objects.for_company(nw["company"])
                .filter(assessor=faculty, status=AssessmentRequest.Status.OPEN)
                .select_related("learner__user", "epa").order_by("-created_at"))
    rows = []
    for request in requests:
        overdue = request.reminder_count > 0
        kind = Kind.ASSESSMENT_REMINDER if overdue else Kind.ASSESSMENT_REQUESTED
        verb = "Reminder: " if overdue else ""
        rows.append(_row(faculty, kind, f"{verb}{request.learner} asks for an assessment of {request.epa.short_name}",
                         f"Case on {request.case_date:%B %-d, %Y}. {request.note}", request_link_path(request),
                         f"request:{request.pk}:{kind}"))
    return rows


def _schedule_changed(nw) -> list:
    return [_row(nw["users"][who], Kind.SCHEDULE_CHANGED, "Your block schedule was updated",
                 "The coordinator published the 2026-2027 block schedule. Check your rotations.",
                 reverse("academics:my_schedule"), f"schedule:{who}:published", read=True)
            for who in ("resident", "faculty")]
