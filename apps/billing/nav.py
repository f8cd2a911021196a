"""Billing's navigation, its section on the patient chart and the notification kind (imported by
BillingConfig.ready)."""

from apps.clinical.chart_sections import register_chart_section
from apps.core.navigation import register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import CLINICAL_ROLES, Role

register_kind("billing_invoice", "A new invoice or credit note", default_channels=(Channel.IN_APP, Channel.EMAIL))

# Shown to clinic roles; the page itself checks billing.view (reception, clinic managers by default).
register_nav_item("Billing", "billing:home", roles=CLINICAL_ROLES, order=27)
register_nav_item("My bills", "billing:portal", roles={Role.PATIENT}, order=26)


def billing_chart_section(request, patient):
    """The patient's balance on their chart, for whoever holds billing.view (one query)."""
    from apps.billing import access, selectors

    if not access.can_view_billing(request.user):
        return None
    return "billing/chart_section.html", {"patient": patient,
                                          "billing_balance": selectors.patient_balance(patient=patient)}


register_chart_section(billing_chart_section, order=80)
