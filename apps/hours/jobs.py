"""The work the hours tasks run (never dispatches tasks itself)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.academics.models import Learner, RotationAssignment
from apps.audit.services import audit_log_record
from apps.hours import selectors, services
from apps.hours.models import PaceAlert
from apps.notifications.services import notification_send
from apps.tenants.models import Membership
from apps.tenants.roles import PROGRAM_MANAGERS


def time_records_close_forgotten(*, company_id, now=None) -> int:
    return services.time_records_auto_close(company_id=company_id, now=now)


def students_notify_behind_pace(*, company_id, today=None) -> int:
    """Students past the middle of a rotation with fewer approved hours than half the required
    hours: one notification to the student and to each program manager, once per assignment
    (``PaceAlert``, unique per assignment; notification keys make a rerun send nothing twice)."""
    today = today or timezone.localdate()
    candidates = selectors.assignments_with_hours(RotationAssignment.objects.for_company(company_id).filter(
        learner__kind=Learner.Kind.STUDENT, start_date__lte=today, end_date__gte=today,
        rotation_type__hours__required_hours__gt=0, pace_alert__isnull=True))
    sent = 0
    for assignment in candidates:
        middle = assignment.start_date + dt.timedelta(days=(assignment.end_date - assignment.start_date).days // 2)
        required = assignment.rotation_type.hours.required_hours
        expected = (required / 2).quantize(Decimal("0.01"))
        if today < middle or assignment.approved_hours >= expected:
            continue
        with transaction.atomic():
            alert, created = PaceAlert.objects.for_company(company_id).get_or_create(
                assignment=assignment, defaults={"approved_hours": assignment.approved_hours,
                                                 "expected_hours": expected, "company_id": company_id})
            if not created:
                continue
            managers = [m.user for m in Membership.objects.for_company(company_id).filter(
                program_id=assignment.learner.program_id, role__in=PROGRAM_MANAGERS, is_active=True)
                .select_related("user")]
            context = {"student": str(assignment.learner.user), "rotation": assignment.rotation_type.name,
                       "approved": assignment.approved_hours, "required": required, "expected": expected}
            for user in {u.pk: u for u in [assignment.learner.user, *managers]}.values():
                notification_send(company_id=company_id, user=user, kind="hours_behind_pace",
                                  idempotency_key=f"hours_behind_pace:{assignment.pk}:{user.pk}", context=context,
                                  action_url="/hours/")
            audit_log_record(company=company_id, actor=None, action="pace_alert.create", entity=alert,
                             changes={"approved": str(assignment.approved_hours), "expected": str(expected)})
            sent += 1
    return sent
