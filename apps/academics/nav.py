"""Navigation and the home-page panel of academics (imported by AcademicsConfig.ready): managers
get their programs, learners their current rotation, faculty how many learners they supervise now."""

from django.utils import timezone

from apps.academics import selectors
from apps.core.navigation import register_home_panel, register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.access import roles_of
from apps.tenants.roles import ASSESSORS, LEARNERS, PROGRAM_MANAGERS, Role

register_nav_item("Programs", "academics:program_list",
                  roles=[Role.COORDINATOR, Role.PROGRAM_DIRECTOR, Role.FACULTY, Role.RESIDENT, Role.STUDENT],
                  order=20)
register_kind("schedule_changed", "Schedule changed", default_channels=(Channel.IN_APP,),
              template="academics/notifications/schedule_changed.txt")


def programs_panel(request):
    user = request.user
    roles = roles_of(user)
    if not roles & (PROGRAM_MANAGERS | LEARNERS | ASSESSORS):
        return None
    today = timezone.localdate()
    now = selectors.assignments_for_user(user=user).filter(start_date__lte=today, end_date__gte=today)
    context = {
        "managed": list(selectors.manager_programs(user=user)) if roles & PROGRAM_MANAGERS else [],
        "current": now.filter(learner__user=user).first() if roles & LEARNERS else None,
        "supervising": now.filter(primary_supervisor__user=user).count() if roles & ASSESSORS else 0,
    }
    return "academics/_home_panel.html", context


register_home_panel(programs_panel, order=20)
