"""Reads the assessment form needs from the schedule: whom an assessor can assess, recent
assignees first, and the rotation a learner was on for a given day."""

import datetime

from django.db.models import Exists, OuterRef, Q

from apps.academics.models import Learner, Program, RotationAssignment
from apps.tenants.access import active_memberships
from apps.tenants.roles import ASSESSORS

RECENT_DAYS = 60


def assessor_program_ids(*, assessor) -> set:
    return {m.program_id for m in active_memberships(assessor) if m.role in ASSESSORS and m.program_id}


def learners_for_assessor(*, assessor, today: datetime.date, search: str = ""):
    """Active learners of the assessor's programs; those recently on a rotation the assessor
    supervised come first (annotated ``is_recent``), then everyone else by name."""
    recent = RotationAssignment.objects.for_company(assessor.company_id).filter(
        learner=OuterRef("pk"), primary_supervisor__user=assessor, start_date__lte=today,
        end_date__gte=today - datetime.timedelta(days=RECENT_DAYS))
    learners = Learner.objects.for_company(assessor.company_id).filter(
        program_id__in=assessor_program_ids(assessor=assessor),
        status__in=[Learner.Status.ACTIVE, Learner.Status.PROBATION],
    ).select_related("user", "program").annotate(is_recent=Exists(recent))
    if search:
        learners = learners.filter(Q(user__first_name__icontains=search) | Q(user__last_name__icontains=search)
                                   | Q(user__email__icontains=search))
    return learners.order_by("-is_recent", "user__last_name", "user__first_name")


def assignment_on(*, learner, day: datetime.date):
    """The learner's rotation on that day (schedule prefill for the case context), or None."""
    return (RotationAssignment.objects.for_company(learner.company_id)
            .filter(learner=learner, start_date__lte=day, end_date__gte=day)
            .select_related("site", "rotation_type").first())


def programs_for_assessor(*, assessor):
    return Program.objects.for_company(assessor.company_id).filter(pk__in=assessor_program_ids(assessor=assessor))
