"""Navigation for the analytics dashboards (imported by AnalyticsConfig.ready)."""

from apps.core.navigation import register_nav_item
from apps.tenants.roles import LEARNERS, PROGRAM_MANAGERS, Role

register_nav_item("Analytics", "analytics_home", PROGRAM_MANAGERS | LEARNERS | {Role.FACULTY}, order=60)
