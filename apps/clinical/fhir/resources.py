"""FHIR R4 JSON for the clinical record (read only). Codes are the published ones: LOINC codes of
the FHIR vital-signs profile, UCUM units, HL7 terminology code systems for statuses."""

from apps.clinical.models import Visit

LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
VITAL_SIGNS_CATEGORY = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                     "code": "vital-signs", "display": "Vital Signs"}]}]
# key → (LOINC code, display, field, UCUM unit)
VITAL_OBSERVATIONS = {
    "rr": ("9279-1", "Respiratory rate", "rr", "/min"),
    "hr": ("8867-4", "Heart rate", "pulse", "/min"),
    "spo2": ("2708-6", "Oxygen saturation in Arterial blood", "spo2", "%"),
    "temp": ("8310-5", "Body temperature", "temp", "Cel"),
    "height": ("8302-2", "Body height", "height_cm", "cm"),
    "weight": ("29463-7", "Body weight", "weight_kg", "kg"),
    "bmi": ("39156-5", "Body mass index (BMI) [Ratio]", "bmi", "kg/m2"),
}
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC, DIASTOLIC = ("8480-6", "Systolic blood pressure"), ("8462-4", "Diastolic blood pressure")
ENCOUNTER_STATUS = {Visit.Status.PLANNED: "planned", Visit.Status.IN_PROGRESS: "in-progress",
                    Visit.Status.COMPLETED: "finished", Visit.Status.CANCELLED: "cancelled"}


def _ref(kind, pk, display=None):
    reference = {"reference": f"{kind}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def _quantity(value, unit):
    return {"value": float(value), "unit": unit, "system": UCUM, "code": unit}


def _concept(code, display):
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def patient_resource(patient) -> dict:
    resource = {
        "resourceType": "Patient", "id": str(patient.pk), "active": not patient.is_deleted,
        "identifier": [{"use": "usual", "type": {"text": "Medical record number"},
                        "system": f"urn:rounds:company:{patient.company_id}:mrn", "value": patient.mrn}],
        "name": [{"use": "official", "family": patient.last_name,
                  "given": [n for n in (patient.first_name, patient.middle_name) if n]}],
        "gender": patient.sex, "birthDate": patient.date_of_birth.isoformat(),
    }
    if patient.preferred_name:
        resource["name"].append({"use": "usual", "given": [patient.preferred_name], "family": patient.last_name})
    telecom = [{"system": "phone", "value": patient.phone}] if patient.phone else []
    telecom += [{"system": "email", "value": patient.email}] if patient.email else []
    if telecom:
        resource["telecom"] = telecom
    if any((patient.address_line, patient.city, patient.postal_code)):
        resource["address"] = [{k: v for k, v in {"line": [patient.address_line] if patient.address_line else None,
                                                   "city": patient.city, "state": patient.region,
                                                   "postalCode": patient.postal_code,
                                                   "country": patient.country}.items() if v}]
    if patient.preferred_language:
        resource["communication"] = [{"language": {"text": patient.preferred_language}, "preferred": True}]
    contacts = [{"name": {"text": c.get("name", "")}, "relationship": [{"text": c.get("relationship", "")}],
                 "telecom": [{"system": "phone", "value": c["phone"]}] if c.get("phone") else []}
                for c in patient.emergency_contacts or [] if c.get("name")]
    if contacts:
        resource["contact"] = [{k: v for k, v in c.items() if v and v != [{"text": ""}]} for c in contacts]
    return resource


def encounter_resource(visit) -> dict:
    resource = {
        "resourceType": "Encounter", "id": str(visit.pk), "status": ENCOUNTER_STATUS[visit.status],
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
                  "display": "ambulatory"},
        "subject": _ref("Patient", visit.patient_id),
        "participant": [{"individual": {"display": str(visit.practitioner)}}],
        "period": {"start": visit.visited_at.isoformat()},
        "serviceProvider": {"display": visit.site.name},
    }
    if visit.reason:
        resource["reasonCode"] = [{"text": visit.reason}]
    return resource


def observation_resources(vitals) -> list[dict]:
    """One vital-signs Observation per measured value of a VitalSigns row (id ``<row>-<key>``)."""
    base = {"resourceType": "Observation", "status": "entered-in-error" if vitals.entered_in_error_at else "final",
            "category": VITAL_SIGNS_CATEGORY, "subject": _ref("Patient", vitals.patient_id),
            "effectiveDateTime": vitals.recorded_at.isoformat()}
    if vitals.visit_id:
        base["encounter"] = _ref("Encounter", vitals.visit_id)
    resources = []
    for key, (code, display, field, unit) in VITAL_OBSERVATIONS.items():
        value = getattr(vitals, field)
        if value is not None:
            resources.append({**base, "id": f"{vitals.pk}-{key}", "code": _concept(code, display),
                              "valueQuantity": _quantity(value, unit)})
    if vitals.sbp is not None and vitals.dbp is not None:
        resources.append({**base, "id": f"{vitals.pk}-bp", "code": _concept(*BLOOD_PRESSURE), "component": [
            {"code": _concept(*SYSTOLIC), "valueQuantity": _quantity(vitals.sbp, "mm[Hg]")},
            {"code": _concept(*DIASTOLIC), "valueQuantity": _quantity(vitals.dbp, "mm[Hg]")}]})
    return resources


def allergy_resource(allergy) -> dict:
    resource = {"resourceType": "AllergyIntolerance", "id": str(allergy.pk), "code": {"text": allergy.substance},
                "patient": _ref("Patient", allergy.patient_id), "recordedDate": allergy.created_at.isoformat()}
    if allergy.entered_in_error:
        resource["verificationStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
            "code": "entered-in-error"}]}
    else:
        resource["clinicalStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": allergy.status}]}
    if allergy.reaction or allergy.severity:
        reaction = {"manifestation": [{"text": allergy.reaction or "unspecified"}]}
        if allergy.severity:
            reaction["severity"] = allergy.severity
        resource["reaction"] = [reaction]
    if allergy.noted_on:
        resource["onsetDateTime"] = allergy.noted_on.isoformat()
    return resource


def condition_resource(problem) -> dict:
    code = {"text": problem.description}
    resource = {"resourceType": "Condition", "id": str(problem.pk), "code": code,
                "subject": _ref("Patient", problem.patient_id), "recordedDate": problem.created_at.isoformat()}
    if problem.entered_in_error:
        resource["verificationStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "entered-in-error"}]}
    else:
        resource["clinicalStatus"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": problem.status}]}
    if problem.onset_date:
        resource["onsetDateTime"] = problem.onset_date.isoformat()
    if problem.resolved_date:
        resource["abatementDateTime"] = problem.resolved_date.isoformat()
    return resource


def bundle(entries: list[dict], base_url: str) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
            "entry": [{"fullUrl": f"{base_url}{e['resourceType']}/{e['id']}", "resource": e,
                       "search": {"mode": "match" if e["resourceType"] == "Patient" else "include"}}
                      for e in entries]}


