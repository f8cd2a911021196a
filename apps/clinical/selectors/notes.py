from apps.clinical import access
from apps.clinical.models import Note, NurseLog, VitalSigns


def cosign_queue(*, user):
    """Notes waiting for this user's co-signature: learners' signed notes at sites where the user
    may co-sign (never their own)."""
    sites = access.sites_with_code(user, "note.cosign")
    queryset = (Note.objects.for_company(user.company_id)
                .filter(status=Note.Status.SIGNED, cosign_required=True, cosigned_at__isnull=True)
                .exclude(author=user).select_related("patient", "author", "visit__site").order_by("signed_at"))
    if None not in sites:
        queryset = queryset.filter(visit__site__in=sites)
    return queryset


def handoff(*, site, since):
    """Shift handoff at a site: nurse log entries since ``since`` and the latest NEWS2 ≥ 5."""
    logs = (NurseLog.objects.for_company(site.company_id).filter(site=site, logged_at__gte=since)
            .select_related("patient", "author").order_by("patient__last_name", "-logged_at"))
    alerts = (VitalSigns.objects.for_company(site.company_id)
              .filter(site=site, recorded_at__gte=since, news2_score__gte=5, entered_in_error_at__isnull=True)
              .select_related("patient").order_by("-news2_score", "-recorded_at"))
    return {"logs": list(logs), "alerts": list(alerts)}
