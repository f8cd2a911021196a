"""The home-page panel: managers get their programs, learners their current rotation, faculty
how many learners they supervise now."""

from django.utils import timezone

from apps.academics import selectors
from apps.tenants.access import roles_of
from apps.tenants.roles import ASSESSORS, LEARNERS, PROGRAM_MANAGERS


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
