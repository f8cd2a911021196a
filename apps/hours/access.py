"""Who may see and change time records and work hours — written once, used by the pages (web/)
and the API (api/) alike. Outside the user's company or reach every object is a 404.

* A **time record** is seen by its student, by the preceptor/supervisor of its rotation (the
  assignment's ``primary_supervisor``) and by the program's managers. The supervisor and the
  managers decide on it. A preceptor sees only the records of their own rotations.
* **Work entries** are the resident's own log: the resident writes them (within the program's
  lock); the program's managers read them, unlock weeks, keep the call roster and plans, and
  read the compliance report.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from apps.academics.models import Learner, RotationAssignment
from apps.core.access import company_of, get_for_company_or_404
from apps.hours.models import PlannedShift, TimeRecord, WorkEntry
from apps.tenants.access import has_role, program_ids_with_roles
from apps.tenants.roles import PROGRAM_MANAGERS


def can_manage_hours(user, program) -> bool:
    return has_role(user, PROGRAM_MANAGERS, program=program)


def managed_program_ids(user) -> set:
    return program_ids_with_roles(user, PROGRAM_MANAGERS)


# ---------------------------------------------------------------- learners
def own_learners(user):
    """The signed-in person's learner records (a person may be a learner in several programs)."""
    return Learner.objects.for_company(company_of(user)).filter(user=user).select_related(
        "program__hours_policy", "user")


def can_view_hours_of(user, learner) -> bool:
    return learner.user_id == user.pk or can_manage_hours(user, learner.program)


def get_learner_for_user(user, learner_id, *, manage: bool = False) -> Learner:
    """A learner whose hours the user may see (themself or a manager); ``manage`` needs a manager."""
    learner = get_for_company_or_404(Learner.objects.select_related("user", "program__hours_policy"), user,
                                     pk=learner_id)
    if not can_view_hours_of(user, learner):
        raise Http404("No learner here")
    if manage and not can_manage_hours(user, learner.program):
        raise PermissionDenied
    return learner


# ---------------------------------------------------------------- time records
def supervises(user, assignment) -> bool:
    return assignment.primary_supervisor_id is not None and assignment.primary_supervisor.user_id == user.pk


def can_view_time_record(user, record) -> bool:
    return (record.learner.user_id == user.pk or supervises(user, record.assignment)
            or can_manage_hours(user, record.learner.program))


def can_decide_time_record(user, record) -> bool:
    return record.learner.user_id != user.pk and (supervises(user, record.assignment)
                                                  or can_manage_hours(user, record.learner.program))


def reviewable_records(user):
    """Time records the user decides on: their rotations' (as supervisor) and their programs'."""
    return TimeRecord.objects.for_company(company_of(user)).filter(
        Q(assignment__primary_supervisor__user=user) | Q(learner__program_id__in=managed_program_ids(user))
    ).exclude(learner__user=user)


def get_time_record_for_user(user, record_id, *, decide: bool = False) -> TimeRecord:
    record = get_for_company_or_404(
        TimeRecord.objects.select_related("learner__user", "learner__program__hours_policy", "assignment__rotation_type",
                                          "assignment__primary_supervisor", "site", "decided_by"),
        user, pk=record_id)
    if not can_view_time_record(user, record):
        raise Http404("No time record here")
    if decide and not can_decide_time_record(user, record):
        raise PermissionDenied
    return record


def get_assignment_for_user(user, assignment_id) -> RotationAssignment:
    """A rotation assignment whose hours the user may see: the learner, its supervisor, a manager."""
    assignment = get_for_company_or_404(
        RotationAssignment.objects.select_related("learner__user", "learner__program", "rotation_type__hours",
                                                  "site", "primary_supervisor"), user, pk=assignment_id)
    if not (assignment.learner.user_id == user.pk or supervises(user, assignment)
            or can_manage_hours(user, assignment.learner.program)):
        raise Http404("No rotation here")
    return assignment


# ---------------------------------------------------------------- work hours
def get_work_entry_for_user(user, entry_id, *, edit: bool = False) -> WorkEntry:
    """A work entry the user may see (the resident, a manager); ``edit``: only the resident (403)."""
    entry = get_for_company_or_404(WorkEntry.objects.select_related("learner__program__hours_policy",
                                                                    "learner__user"), user, pk=entry_id)
    if not can_view_hours_of(user, entry.learner):
        raise Http404("No entry here")
    if edit and entry.learner.user_id != user.pk:
        raise PermissionDenied
    return entry


def get_planned_shift_for_user(user, shift_id) -> PlannedShift:
    """A planned shift (call roster): its resident sees it, the program's managers change it."""
    shift = get_for_company_or_404(PlannedShift.objects.select_related("learner__program", "learner__user"),
                                   user, pk=shift_id)
    if not can_manage_hours(user, shift.learner.program):
        raise Http404("No planned shift here")
    return shift
