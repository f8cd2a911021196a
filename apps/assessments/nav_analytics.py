"""Navigation for the analytics dashboards; also imports the refresh tasks so Celery registers
them at startup (apps.assessments.tasks belongs to the assessments workflow)."""

from apps.assessments import analytics_tasks  # noqa: F401 — registers refresh_analytics
from apps.core.navigation import register_nav_item
from apps.tenants.roles import LEARNERS, PROGRAM_MANAGERS, Role

register_nav_item("Analytics", "analytics_home", PROGRAM_MANAGERS | LEARNERS | {Role.FACULTY}, order=60)
