"""FHIR R4 JSON of the appointment book (read only): Appointment, Schedule, Slot.

Statuses are the R4 value sets (Appointment.status = our statuses, which are its codes;
participant status "accepted"; Slot.status "free"). A Schedule is one practitioner's (its id is
the practitioner's); a Slot is a free slot of the slot finder, found by search only (its id is
the practitioner and the start instant)."""

from apps.scheduling.models import Appointment


def _ref(kind, pk, display=None):
    reference = {"reference": f"{kind}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def _instant(moment) -> str:
    return moment.isoformat()


def appointment_resource(appointment: Appointment) -> dict:
    a = appointment
    participants = [
        {"actor": _ref("Patient", a.patient_id, a.patient.full_name), "required": "required", "status": "accepted"},
        {"actor": _ref("Practitioner", a.practitioner_id, str(a.practitioner)), "required": "required",
         "status": "accepted"},
        {"actor": _ref("Location", a.site_id, a.site.name), "required": "required", "status": "accepted"},
    ]
    if a.resource_id:
        participants.append({"actor": _ref("Location", a.resource_id, a.resource.name), "required": "required",
                             "status": "accepted"})
    resource = {
        "resourceType": "Appointment", "id": str(a.pk), "status": a.status,
        "serviceType": [{"text": a.service_type.name}],
        "start": _instant(a.start), "end": _instant(a.end),
        "minutesDuration": int((a.end - a.start).total_seconds() // 60),
        "created": a.created_at.date().isoformat() if a.created_at else None,
        "participant": participants,
    }
    if a.cancellation_reason:
        resource["cancelationReason"] = {"text": a.cancellation_reason}
    if a.note:
        resource["comment"] = a.note
    return {k: v for k, v in resource.items() if v is not None}


def schedule_resource(practitioner, sites, horizon_start, horizon_end) -> dict:
    return {
        "resourceType": "Schedule", "id": str(practitioner.pk), "active": practitioner.is_active,
        "actor": [_ref("Practitioner", practitioner.pk, str(practitioner))]
        + [_ref("Location", site.pk, site.name) for site in sites],
        "planningHorizon": {"start": _instant(horizon_start), "end": _instant(horizon_end)},
    }


def slot_resource(slot, service_type) -> dict:
    return {
        "resourceType": "Slot", "id": f"{slot.practitioner.pk}-{int(slot.start.timestamp())}",
        "schedule": _ref("Schedule", slot.practitioner.pk), "status": "free",
        "serviceType": [{"text": service_type.name}],
        "start": _instant(slot.start), "end": _instant(slot.end),
    }


def bundle(entries: list[dict], base_url: str) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
            "entry": [{"fullUrl": f"{base_url}{e['resourceType']}/{e['id']}", "resource": e,
                       "search": {"mode": "match"}} for e in entries]}
