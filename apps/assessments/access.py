"""Who may see and change assessments and requests — written once, used by pages and API alike.

* An assessment is visible to its learner and its assessor, to the managers of its program and to
  the organization admin (``selectors.assessment_visible_to``); to anyone else it is a 404.
* Its assessor changes it within the program's edit window; the program's managers (and the
  organization admin: ``MANAGERS``) delete and restore it; its learner acknowledges it.
* Whoever assesses the learner's program (faculty, preceptor, supervisor, director) — or the
  assessor a request names — may assess a learner.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from apps.assessments import selectors
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.core.access import company_of
from apps.tenants.access import has_role
from apps.tenants.roles import ASSESSORS, MANAGERS


# ---------------------------------------------------------------- assessing
def assessor_may_assess(*, assessor, learner, request=None) -> bool:
    """Faculty/preceptor/supervisor/director of the learner's program, or the request's assessor."""
    if assessor.company_id != learner.company_id:
        return False
    if request is not None and request.assessor_id == assessor.pk and request.learner_id == learner.pk:
        return True
    return has_role(assessor, ASSESSORS, program=learner.program)


# ---------------------------------------------------------------- assessments
def get_assessment_for_user(user, assessment_id) -> EPAAssessment:
    company_of(user)
    try:
        return selectors.assessment_list(user=user).get(pk=assessment_id)
    except (EPAAssessment.DoesNotExist, ValueError, ValidationError):
        raise Http404("No assessment here")


def get_deleted_assessment_for_user(user, assessment_id) -> EPAAssessment:
    """A soft-deleted assessment, for whoever may restore it (404 for everyone else)."""
    company_of(user)
    try:
        assessment = selectors.assessment_get_including_deleted(user=user, assessment_id=assessment_id)
    except (EPAAssessment.DoesNotExist, ValueError, ValidationError):
        raise Http404("No assessment here")
    if not can_delete_assessment(user, assessment):
        raise Http404("No assessment here")
    return assessment


def assessment_edit_deadline(assessment) -> datetime.datetime:
    return assessment.submitted_at + datetime.timedelta(hours=assessment.program.assessment_edit_window_hours)


def can_change_assessment(user, assessment) -> bool:
    """Its assessor, until the program's edit window closes."""
    return (assessment.assessor_id == user.pk and not assessment.is_deleted
            and timezone.now() < assessment_edit_deadline(assessment))


def can_delete_assessment(user, assessment) -> bool:
    """Delete and restore: the program's coordinators and directors, or the organization admin."""
    return has_role(user, MANAGERS, program=assessment.program)


def can_acknowledge_assessment(user, assessment) -> bool:
    return assessment.learner.user_id == user.pk and assessment.acknowledged_at is None


# ---------------------------------------------------------------- requests
def get_request_for_user(user, request_id) -> AssessmentRequest:
    company_of(user)
    try:
        return selectors.request_visible_to(user=user).select_related(
            "learner__user", "assessor", "epa").get(pk=request_id)
    except (AssessmentRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404("No request here")


def can_answer_request(user, assessment_request) -> bool:
    """Assess now / Decline: the faculty member the open request names."""
    return assessment_request.assessor_id == user.pk and assessment_request.status == AssessmentRequest.Status.OPEN


def can_cancel_request(user, assessment_request) -> bool:
    """Cancel: the learner who asked, while the request is open."""
    return (assessment_request.learner.user_id == user.pk
            and assessment_request.status == AssessmentRequest.Status.OPEN)
