"""FHIR R4 JSON for the hospital floor (read only). Codes are the published ones only: HL7 terminology
code systems for categories, statuses, location types and bed status (v2-0116); a lab test's LOINC
code only when the catalog row carries one taken from LOINC; otherwise a text-only concept."""

from apps.hospital.models import Bed, Dose, LabOrder, LabResult, Prescription

LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
LOCATION_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
BED_STATUS = "http://terminology.hl7.org/CodeSystem/v2-0116"
OBSERVATION_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

SERVICE_REQUEST_STATUS = {"requested": "active", "accepted": "active", "in-progress": "active",
                          "completed": "completed", "cancelled": "revoked", "rejected": "revoked"}
REPORT_STATUS = {"requested": "registered", "accepted": "registered", "in-progress": "partial",
                 "completed": "final", "cancelled": "cancelled", "rejected": "cancelled"}
# v3 ObservationInterpretation: L low, H high, LL critical low, HH critical high, N normal
INTERPRETATION = {"normal": ("N", "Normal"), "low": ("L", "Low"), "high": ("H", "High"),
                  "critical-low": ("LL", "Critical low"), "critical-high": ("HH", "Critical high")}
# v2-0116 bed status: O occupied, U unoccupied, H housekeeping, C closed
OPERATIONAL_STATUS = {Bed.Status.OCCUPIED: ("O", "Occupied"), Bed.Status.AVAILABLE: ("U", "Unoccupied"),
                      Bed.Status.RESERVED: ("U", "Unoccupied"), Bed.Status.CLEANING: ("H", "Housekeeping"),
                      Bed.Status.MAINTENANCE: ("C", "Closed")}
ADMINISTRATION_STATUS = {Dose.Status.GIVEN: "completed", Dose.Status.HELD: "not-done",
                         Dose.Status.REFUSED: "not-done", Dose.Status.MISSED: "not-done"}


def _ref(kind, pk, display=None):
    reference = {"reference": f"{kind}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def _patient(patient):
    return _ref("Patient", patient.pk, patient.full_name)


def _text(text):
    return {"text": text}


def _test_concept(test):
    concept = {"text": test.name}
    if test.loinc_code:
        concept["coding"] = [{"system": LOINC, "code": test.loinc_code, "display": test.name}]
    return concept


def _dt(value):
    return value.isoformat() if value else None


def _clean(resource):
    return {key: value for key, value in resource.items() if value not in (None, [], "", {})}


def lab_observation_id(result) -> str:
    return f"lab-{result.pk}"


def service_request_resource(order: LabOrder, results) -> dict:
    return _clean({
        "resourceType": "ServiceRequest", "id": str(order.pk), "status": SERVICE_REQUEST_STATUS[order.status],
        "intent": "order", "priority": "stat" if order.urgency == "stat" else order.urgency,
        "category": [_text("Laboratory")],
        "code": _text(", ".join(r.test.name for r in results)),
        "orderDetail": [_test_concept(r.test) for r in results],
        "subject": _patient(order.patient), "authoredOn": _dt(order.ordered_at),
        "requester": {"display": str(order.ordered_by)},
        "note": [{"text": order.clinical_note}] if order.clinical_note else None,
        "statusReason": None,
    })


def lab_observation_resource(result: LabResult) -> dict:
    order = result.order
    resource = {
        "resourceType": "Observation", "id": lab_observation_id(result),
        "status": "final" if result.resulted_at else "registered",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}]}],
        "code": _test_concept(result.test), "subject": _patient(order.patient),
        "basedOn": [_ref("ServiceRequest", order.pk)],
        "effectiveDateTime": _dt(order.specimen_collected_at or result.resulted_at),
        "issued": _dt(result.resulted_at),
    }
    if result.value is not None:
        quantity = {"value": float(result.value)}
        if result.unit:
            quantity["unit"] = result.unit
        resource["valueQuantity"] = quantity
    if result.flag:
        code, display = INTERPRETATION[result.flag]
        resource["interpretation"] = [{"coding": [{"system": OBSERVATION_INTERPRETATION, "code": code,
                                                   "display": display}]}]
    if result.reference_text:
        resource["referenceRange"] = [{"text": result.reference_text}]
    return _clean(resource)


def diagnostic_report_resource(order: LabOrder, results, report_url=None) -> dict:
    return _clean({
        "resourceType": "DiagnosticReport", "id": str(order.pk), "status": REPORT_STATUS[order.status],
        "category": [{"coding": [{"system": DIAGNOSTIC_SERVICE, "code": "LAB", "display": "Laboratory"}]}],
        "code": _text("Laboratory report"), "subject": _patient(order.patient),
        "basedOn": [_ref("ServiceRequest", order.pk)],
        "effectiveDateTime": _dt(order.specimen_collected_at),
        "issued": _dt(order.completed_at),
        "result": [_ref("Observation", lab_observation_id(r), r.test.name) for r in results if r.resulted_at],
        "presentedForm": [{"contentType": "application/pdf", "url": report_url, "title": "Lab report"}]
        if report_url else None,
    })


def _medication(prescription):
    return _text(str(prescription))


def medication_request_resource(prescription: Prescription) -> dict:
    dosage = {"text": f"{prescription.dose_text}"
                      + (f" as needed: {prescription.as_needed_condition}" if prescription.as_needed else ""),
              "timing": {"code": _text(prescription.frequency)},
              "route": _text(prescription.route),
              "doseAndRate": [{"doseQuantity": {"value": float(prescription.dose), "unit": prescription.dose_unit}}]}
    if prescription.as_needed:
        dosage["asNeededCodeableConcept"] = _text(prescription.as_needed_condition)
    dispense = {"numberOfRepeatsAllowed": prescription.refills}
    if prescription.quantity is not None:
        dispense["quantity"] = {"value": float(prescription.quantity)}
    if prescription.end_at:
        dispense["validityPeriod"] = {"start": _dt(prescription.start_at), "end": _dt(prescription.end_at)}
    return _clean({
        "resourceType": "MedicationRequest", "id": str(prescription.pk), "status": prescription.status,
        "intent": "order", "medicationCodeableConcept": _medication(prescription),
        "subject": _patient(prescription.patient), "authoredOn": _dt(prescription.start_at),
        "requester": {"display": str(prescription.prescriber)},
        "statusReason": _text(prescription.status_reason) if prescription.status_reason else None,
        "dosageInstruction": [dosage], "dispenseRequest": dispense,
    })


def medication_dispense_resource(dispense) -> dict:
    prescription = dispense.prescription
    return _clean({
        "resourceType": "MedicationDispense", "id": str(dispense.pk), "status": "completed",
        "medicationCodeableConcept": _medication(prescription), "subject": _patient(prescription.patient),
        "authorizingPrescription": [_ref("MedicationRequest", prescription.pk)],
        "performer": [{"actor": {"display": str(dispense.dispensed_by)}}],
        "quantity": {"value": float(dispense.quantity)}, "whenHandedOver": _dt(dispense.dispensed_at),
        "note": [{"text": f"Lot {dispense.lot.lot_number}"
                          + (f", expires {dispense.lot.expiry_date}" if dispense.lot.expiry_date else "")}],
    })


def medication_administration_resource(dose) -> dict:
    prescription = dose.prescription
    return _clean({
        "resourceType": "MedicationAdministration", "id": str(dose.pk), "status": ADMINISTRATION_STATUS[dose.status],
        "statusReason": [_text(f"{dose.get_status_display()}: {dose.reason}" if dose.reason
                               else dose.get_status_display())] if dose.status != Dose.Status.GIVEN else None,
        "medicationCodeableConcept": _medication(prescription), "subject": _patient(prescription.patient),
        "effectiveDateTime": _dt(dose.given_at or dose.due_at or dose.recorded_at),
        "performer": [{"actor": {"display": str(dose.recorded_by)}}] if dose.recorded_by_id else None,
        "request": _ref("MedicationRequest", prescription.pk),
        "dosage": {"route": _text(prescription.route),
                   "dose": {"value": float(prescription.dose), "unit": prescription.dose_unit}},
    })


def ward_location_resource(ward) -> dict:
    return _clean({
        "resourceType": "Location", "id": str(ward.pk), "status": "active" if ward.is_active else "inactive",
        "name": f"{ward.site.name} — {ward.name}", "mode": "instance",
        "description": " · ".join(p for p in (f"floor {ward.floor}" if ward.floor else "", ward.speciality) if p),
        "physicalType": {"coding": [{"system": LOCATION_TYPE, "code": "wa", "display": "Ward"}]},
    })


def bed_location_resource(bed) -> dict:
    code, display = OPERATIONAL_STATUS[bed.status]
    return _clean({
        "resourceType": "Location", "id": str(bed.pk), "status": "active", "name": f"{bed.ward.name} {bed.label}",
        "mode": "instance", "operationalStatus": {"system": BED_STATUS, "code": code, "display": display},
        "physicalType": {"coding": [{"system": LOCATION_TYPE, "code": "bd", "display": "Bed"}]},
        "partOf": _ref("Location", bed.ward_id, bed.ward.name),
    })
