"""Navigation, home panels, notification kinds and the patient-chart section of the hospital floor
(imported by HospitalConfig.ready)."""

from apps.clinical.chart_sections import register_chart_section
from apps.core.navigation import register_home_panel, register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import CLINICAL_ROLES, Role

# Titles and messages are written by apps.hospital.jobs.
register_kind("lab_critical", "Critical lab result", default_channels=(Channel.IN_APP, Channel.EMAIL))
register_kind("stock_alert", "Stock alert (low stock, expiring lots)", default_channels=(Channel.IN_APP, Channel.EMAIL))

# The front desk has no hospital code in the baseline; everyone else on the clinical staff does.
register_nav_item("Hospital", "hospital:home", roles=CLINICAL_ROLES - {Role.RECEPTION, Role.CLINIC_STAFF}, order=26)


def hospital_panel(request):
    """The to-do of the hospital floor: critical results waiting for this person's acknowledgement
    (they stay until acknowledged) and drafts waiting for their approval."""
    from apps.hospital import access, selectors

    user = request.user
    if user.company_id is None:
        return None
    todo = list(selectors.critical_todo(user=user)[:20]) if access.user_has_code(user, "lab.order") else []
    sites = {site for site, held in access.clinical_codes(user).items() if "document.approve" in held}
    drafts = list(selectors.drafts_to_review(user=user, site_ids=sites)[:10]) if sites else []
    works_here = any(access.user_has_code(user, code) for code in ("ward.read", "lab.process", "medication.dispense"))
    if not todo and not drafts and not works_here:
        return None
    return "hospital/panel.html", {"critical": todo, "drafts": drafts,
                                   "can_order": access.user_has_code(user, "lab.order")}


def patient_section(request, patient):
    """The chart's hospital card (admissions, results and medications at every site of the company).
    It costs the chart no query: htmx loads its content from hospital:chart_card when it scrolls into
    view (that view checks the codes again and writes the access log); without JavaScript a link."""
    from apps.hospital.web.chart_card import can_see_hospital_record

    if not can_see_hospital_record(request.user):
        return None
    return "hospital/chart_section.html", {"patient_id": patient.pk}


register_home_panel(hospital_panel, order=12)
register_chart_section(patient_section, order=30)
