"""Physio's registrations (imported by PhysioConfig.ready): the urgent-flag notification kind, nav
items, a chart section on the clinical chart (PROM scores, trends, open flags)."""

from apps.clinical.chart_sections import register_chart_section
from apps.core.navigation import register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import CLINICAL_ROLES, Role

register_kind("prom_flag", "Urgent PROM flag (PHQ-9 item 9)", default_channels=(Channel.IN_APP, Channel.EMAIL),
              template="physio/notifications/prom_flag.txt")

register_nav_item("Physio", "physio:home", roles=CLINICAL_ROLES, order=27)
register_nav_item("My exercises", "physio:portal", roles={Role.PATIENT}, order=27)


def prom_chart_section(request, patient):
    """The chart's "Physio: outcome measures" card. It costs the chart no query: htmx loads its
    content (PROM scores with their change and MCID, open urgent flags — two queries) from
    physio:chart_card, which is also a page of its own without JavaScript."""
    from apps.physio import access

    if not access.can_read_physio(request.user):
        return None
    return "physio/_chart_section.html", {"patient_id": patient.pk}


register_chart_section(prom_chart_section, order=40)
