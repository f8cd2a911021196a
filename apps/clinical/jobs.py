"""The work behind the clinical context's Celery tasks (tasks.py stays thin; services dispatch
the tasks, so the work lives here to keep the import graph acyclic)."""

from django.urls import reverse

from apps.clinical import access, news2
from apps.clinical.models import RolePermission, VitalSigns
from apps.notifications.models import Channel
from apps.notifications.services import notification_send
from apps.tenants.models import Membership, User


def alert_recipients(vitals) -> list:
    """The responsible practitioner (the visit's, else the patient's primary) and nurse (the
    patient's primary nurse, else whoever recorded the vitals if they are nursing staff). With
    nobody named, every practitioner who may co-sign at the site is told: an alert must reach someone."""
    patient = vitals.patient
    practitioner = vitals.visit.practitioner if vitals.visit_id else patient.primary_practitioner
    nurse = patient.primary_nurse
    if nurse is None and access.user_has_code(vitals.recorded_by, "nursing.write", vitals.site_id):
        nurse = vitals.recorded_by
    people = [person for person in (practitioner, nurse) if person is not None]
    if practitioner is None:
        roles = RolePermission.objects.for_company(vitals.company_id).filter(code="note.cosign").values("role")
        user_ids = (Membership.objects.for_company(vitals.company_id)
                    .filter(site=vitals.site_id, is_active=True, role__in=roles).values("user"))
        people += list(User.objects.for_company(vitals.company_id).filter(pk__in=user_ids, is_active=True))
    unique = {person.pk: person for person in people}
    return list(unique.values())


def vitals_notify_alert(*, company_id, vitals_id) -> int:
    """Called by the task: one in-app + e-mail notification per recipient, idempotent by key."""
    vitals = (VitalSigns.objects.for_company(company_id)
              .select_related("patient__primary_practitioner", "patient__primary_nurse", "visit__practitioner",
                              "recorded_by", "site").filter(pk=vitals_id).first())
    if vitals is None or vitals.news2_risk not in (news2.MEDIUM, news2.HIGH):
        return 0
    patient = vitals.patient
    sent = 0
    for person in alert_recipients(vitals):
        sent += len(notification_send(
            company_id=company_id, user=person, kind="clinical_alert",
            title=f"NEWS2 {vitals.news2_score} ({vitals.news2_risk}) — {patient.full_name}, {patient.mrn}",
            message=(f"{patient.full_name} ({patient.mrn}) scored NEWS2 {vitals.news2_score}, {vitals.news2_risk} "
                     f"risk, at {vitals.site} ({vitals.recorded_at:%Y-%m-%d %H:%M} UTC). Review the patient now."),
            action_url=reverse("clinical:chart", kwargs={"patient_id": patient.pk}),
            channels=[Channel.IN_APP, Channel.EMAIL], idempotency_key=f"news2:{vitals.pk}:{person.pk}"))
    return sent
