"""Navigation, home panels and notification kinds of assessments (imported by AssessmentsConfig.ready)."""

from django.db.models import Count, Q

from apps.assessments.selectors import assessment_list_for_learner, request_list_for_assessor
from apps.core.navigation import register_home_panel, register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.access import has_role
from apps.tenants.roles import ASSESSORS, LEARNERS, Role

register_nav_item("Assessments", "assessments:index", roles={
    Role.FACULTY, Role.PRECEPTOR, Role.SUPERVISOR, Role.PROGRAM_DIRECTOR, Role.COORDINATOR, Role.RESIDENT,
    Role.STUDENT}, order=30)

BOTH = (Channel.IN_APP, Channel.EMAIL)
register_kind("assessment_requested", "Assessment requested", BOTH, "assessments/notifications/assessment_requested.txt")
register_kind("assessment_reminder", "Assessment reminder", BOTH, "assessments/notifications/assessment_reminder.txt")
register_kind("assessment_received", "Assessment received", BOTH, "assessments/notifications/assessment_received.txt")
# The one-time code that proves, on the learner's QR-code link, that the assessor is submitting:
# e-mail only (the assessor's mailbox is the proof).
register_kind("assessment_link_code", "Assessment sign-off code", (Channel.EMAIL,),
              "assessments/notifications/assessment_link_code.txt")
register_kind("request_expired", "Request expired", (Channel.IN_APP,), "assessments/notifications/request_expired.txt")
register_kind("request_declined", "Request declined", BOTH, "assessments/notifications/request_declined.txt")


def faculty_panel(request):
    """Faculty home: how many requests wait for them."""
    user = request.user
    if user.company_id is None or not has_role(user, ASSESSORS):
        return None
    counts = request_list_for_assessor(assessor=user).aggregate(
        open_count=Count("pk"), overdue_count=Count("pk", filter=Q(is_overdue=True)))
    return "assessments/panel_faculty.html", counts


def learner_panel(request):
    """Learner home: their latest feedback."""
    user = request.user
    if user.company_id is None or not has_role(user, LEARNERS):
        return None
    return "assessments/panel_learner.html", {"latest": assessment_list_for_learner(user=user)[:3]}


register_home_panel(faculty_panel, order=20)
register_home_panel(learner_panel, order=21)
