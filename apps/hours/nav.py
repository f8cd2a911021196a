"""Navigation, the home panel and notification kinds of clinical hours (imported by
HoursConfig.ready)."""

from apps.core.navigation import register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import Role

register_nav_item("Hours", "hours:home",
                  roles=[Role.COORDINATOR, Role.PROGRAM_DIRECTOR, Role.FACULTY, Role.PRECEPTOR, Role.SUPERVISOR,
                         Role.RESIDENT, Role.STUDENT], order=25)
register_kind("hours_behind_pace", "A student is behind pace on required hours",
              default_channels=(Channel.IN_APP, Channel.EMAIL), template="hours/notifications/behind_pace.txt")
