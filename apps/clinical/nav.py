"""Navigation and home panels of the clinical context (imported by ClinicalConfig.ready)."""

from apps.core.navigation import register_home_panel, register_nav_item
from apps.notifications.kinds import register_kind
from apps.notifications.models import Channel
from apps.tenants.roles import CLINICAL_ROLES, Role

# NEWS2 medium/high alerts (apps.clinical.jobs): the title and message are written by the job.
register_kind("clinical_alert", "Clinical alert (NEWS2)", default_channels=(Channel.IN_APP, Channel.EMAIL))

register_nav_item("Patients", "clinical:home", roles=CLINICAL_ROLES, order=25)
register_nav_item("My health record", "clinical:portal", roles={Role.PATIENT}, order=25)


def clinical_panel(request):
    """Clinic staff home: what their permission codes let them do first — co-signatures waiting,
    patients flagged by NEWS2, the handoff, or patient search for the front desk."""
    from apps.clinical import access
    from apps.clinical.selectors.notes import cosign_queue
    from apps.clinical.selectors.patients import sites_with

    user = request.user
    if user.company_id is None or not access.user_has_code(user, "patient.read"):
        return None
    panel = {"can_write_patient": access.can_write_patient(user), "cosign": None, "alerts": None,
             "handoff_sites": [], "my_drafts": None}
    if access.user_has_code(user, "note.cosign"):
        panel["cosign"] = list(cosign_queue(user=user)[:5])
    if access.user_has_code(user, "note.write"):
        from apps.clinical.models import Note

        panel["my_drafts"] = list(Note.objects.for_company(user.company_id).filter(
            author=user, status=Note.Status.DRAFT).select_related("patient").order_by("-updated_at")[:5])
        panel["awaiting"] = list(Note.objects.for_company(user.company_id).filter(
            author=user, status=Note.Status.SIGNED, cosign_required=True, cosigned_at__isnull=True)
            .select_related("patient")[:5])
    if access.user_has_code(user, "chart.read"):
        import datetime

        from django.utils import timezone

        from apps.clinical.models import VitalSigns

        sites = sites_with(user=user, code="chart.read")
        panel["alerts"] = list(VitalSigns.objects.for_company(user.company_id).filter(
            site__in=sites, news2_score__gte=5, entered_in_error_at__isnull=True,
            recorded_at__gte=timezone.now() - datetime.timedelta(days=2)).select_related("patient")
            .order_by("-news2_score", "-recorded_at")[:8])
    if access.user_has_code(user, "nursing.read"):
        panel["handoff_sites"] = list(sites_with(user=user, code="nursing.read"))
    return "clinical/panel_staff.html", panel


def portal_panel(request):
    from apps.clinical import access

    user = request.user
    if user.company_id is None or not access.user_has_code(user, "portal.view"):
        return None
    return "clinical/panel_portal.html", {}


register_home_panel(clinical_panel, order=10)
register_home_panel(portal_panel, order=11)
