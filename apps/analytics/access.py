"""Who may open the dashboards. A program's dashboard: its managers and faculty (the program's
viewers); a learner's progress: whoever may see that learner (``apps.academics.access``, the same
rule as the learner's person page)."""

from django.http import Http404

from apps.academics.access import get_program_for_user
from apps.academics.models import Program
from apps.tenants.access import has_role
from apps.tenants.roles import PROGRAM_VIEWERS


def can_view_program_dashboard(user, program) -> bool:
    return has_role(user, PROGRAM_VIEWERS, program=program)


def get_dashboard_program_for_user(user, program_id) -> Program:
    program = get_program_for_user(user, program_id)
    if not can_view_program_dashboard(user, program):
        raise Http404("No program here")
    return program
