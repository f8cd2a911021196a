"""Navigation and notification kinds of the CCC (imported by CccConfig.ready)."""

from apps.core.navigation import register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import Role

register_nav_item("CCC", "ccc:index", roles={
    Role.FACULTY, Role.PROGRAM_DIRECTOR, Role.COORDINATOR, Role.RESIDENT}, order=45)

register_kind("ccc_follow_up_due", "CCC remediation follow-up due", (Channel.IN_APP, Channel.EMAIL),
              "ccc/notifications/ccc_follow_up_due.txt")
register_kind("ccc_review_final", "CCC review finalised", (Channel.IN_APP, Channel.EMAIL),
              "ccc/notifications/ccc_review_final.txt")
