"""Navigation and home panels of the assessments part (imported by AssessmentsConfig.ready)."""

from apps.tenants.access import has_role
from apps.core.navigation import register_home_panel, register_nav_item
from apps.tenants.roles import ASSESSORS, LEARNERS, Role

register_nav_item("Assessments", "assessments:index", roles={
    Role.FACULTY, Role.PRECEPTOR, Role.SUPERVISOR, Role.PROGRAM_DIRECTOR, Role.COORDINATOR, Role.RESIDENT,
    Role.STUDENT}, order=30)


def faculty_panel(request):
    """Faculty home: how many requests wait for them."""
    from apps.assessments.selectors import request_list_for_assessor

    user = request.user
    if user.company_id is None or not has_role(user, ASSESSORS):
        return None
    return "assessments/panel_faculty.html", {"open_count": request_list_for_assessor(assessor=user).count()}


def learner_panel(request):
    """Learner home: their latest feedback."""
    from apps.assessments.selectors import assessment_list_for_learner

    user = request.user
    if user.company_id is None or not has_role(user, LEARNERS):
        return None
    return "assessments/panel_learner.html", {"latest": assessment_list_for_learner(user=user)[:3]}


register_home_panel(faculty_panel, order=20)
register_home_panel(learner_panel, order=21)
