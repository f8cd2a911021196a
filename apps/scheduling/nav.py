"""Navigation, the patient chart's "Appointments" section (imported by SchedulingConfig.ready)."""

from apps.clinical.chart_sections import register_chart_section
from apps.core.navigation import register_nav_item
from apps.tenants.roles import CLINICAL_ROLES

register_nav_item("Appointments", "scheduling:home", roles=CLINICAL_ROLES, order=26)


def appointments_section(request, patient):
    """The chart's "Appointments" card for book workers. It costs the chart no query: htmx loads
    its content (next appointments, no-show and late-cancellation counts, reminder preferences)
    from scheduling:patient_appointments, which is also a page of its own without JavaScript."""
    from apps.scheduling import access

    if not access.can_manage_book(request.user):
        return None
    return "scheduling/chart_section.html", {"patient_id": patient.pk}


register_chart_section(appointments_section, order=20)
