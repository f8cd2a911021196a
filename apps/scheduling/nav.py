"""Navigation, the patient chart's "Appointments" section (imported by SchedulingConfig.ready)."""

from apps.clinical.chart_sections import register_chart_section
from apps.core.navigation import register_nav_item
from apps.tenants.roles import CLINICAL_ROLES

register_nav_item("Appointments", "scheduling:home", roles=CLINICAL_ROLES, order=26)


def appointments_section(request, patient):
    """Next appointments and the no-show / late-cancellation counts, for book workers (three queries)."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from apps.scheduling import access, selectors

    if not access.can_manage_book(request.user):
        return None
    upcoming = list(selectors.appointments_for_patient(patient.company_id, patient)
                    .filter(start__gte=timezone.now() - datetime.timedelta(hours=12)).order_by("start")[:5])
    counts = selectors.attendance_counts(company_id=patient.company_id, patient_ids=[patient.pk]).get(patient.pk, {})
    access.log_book_access(request, upcoming)
    rows = [{"a": a, "local_start": a.start.astimezone(ZoneInfo(a.site.time_zone))} for a in upcoming]
    return "scheduling/chart_section.html", {"upcoming": rows, "counts": counts, "patient_id": patient.pk,
                                             "site_id": patient.home_site_id}


register_chart_section(appointments_section, order=20)
