from apps.clinical.models import Addendum, NurseLog, VitalSigns
from apps.tenants.roles import CLINICAL_ROLES, Role
from tests.clinical.factories import (
    AllergyFactory,
    CaseFactory,
    NoteFactory,
    PatientFactory,
    ProblemFactory,
    VisitFactory,
)
from tests.factories import MembershipFactory, SiteFactory, SponsorFactory


def build(world):
    site = SiteFactory(institution=SponsorFactory(institution__company=world["company"]).institution,
                       name="Northwind Secret Clinic")
    patient = PatientFactory(home_site=site, first_name="Northwindpatient", last_name="Secretperson",
                             mrn="NWSECRET-1")
    allergy = AllergyFactory(patient=patient, substance="Northwind secret allergen")
    visit = VisitFactory(case__patient=patient, reason="Northwind secret visit")
    note = NoteFactory(visit=visit)
    signed = NoteFactory(visit=visit, status="signed")
    Addendum.objects.create(note=signed, company=signed.company, author=signed.author, text="x", digest="0" * 64)
    vitals = VitalSigns.objects.create(patient=patient, company=patient.company, site=site, recorded_by=note.author, pulse=140,
                              news2_score=7, news2_risk="high")
    NurseLog.objects.create(patient=patient, company=patient.company, site=site, author=note.author,
                            text="Northwind secret handoff", kind="handoff")
    problem = ProblemFactory(patient=patient, description="Northwind secret problem")
    world.update(clinical_site=site, patient=patient, allergy=allergy, vitals=vitals, problem=problem, visit=visit, case=visit.case, note=note,
                 signed_note=signed)
    world["markers"] += ["Northwindpatient", "Secretperson", "NWSECRET-1", "Northwind secret allergen",
                         "Northwind secret visit", "Northwind Secret Clinic", "Northwind secret handoff"]


def grant_home_roles(user):
    """Charlie holds every clinical role at a Southbay clinic of his own, and is a Southbay patient."""
    site = SiteFactory(institution__company=user.company, name="Southbay Walk Clinic")
    for role in sorted(CLINICAL_ROLES):
        MembershipFactory(user=user, role=role, site=site)
    MembershipFactory(user=user, role=Role.PATIENT)
    PatientFactory(home_site=site, portal_user=user, first_name="Charlie", last_name="Southbay")


def _patient(w):
    return {"patient_id": w["patient"].pk}


SAMPLES = {
    "clinical:chart": _patient,
    "clinical:patient_edit": _patient,
    "clinical:patient_delete": _patient,
    "clinical:records": lambda w: {"patient_id": w["patient"].pk, "kind": "allergies"},
    "clinical:record_entered_in_error": lambda w: {"patient_id": w["patient"].pk, "kind": "allergies",
                                                   "entry_id": w["allergy"].pk},
    "clinical:vitals_chart": _patient,
    "clinical:vitals_new": _patient,
    "clinical:case_new": _patient,
    "clinical:nurse_log": _patient,
    "clinical:case_detail": lambda w: {"case_id": w["case"].pk},
    "clinical:visit_new": lambda w: {"case_id": w["case"].pk},
    "clinical:visit_detail": lambda w: {"visit_id": w["visit"].pk},
    "clinical:visit_lock": lambda w: {"visit_id": w["visit"].pk},
    "clinical:note_new": lambda w: {"visit_id": w["visit"].pk},
    "clinical:note_detail": lambda w: {"note_id": w["note"].pk},
    "clinical:note_edit": lambda w: {"note_id": w["note"].pk},
    "clinical:note_sign": lambda w: {"note_id": w["note"].pk},
    "clinical:note_cosign": lambda w: {"note_id": w["signed_note"].pk},
    "clinical:addendum_new": lambda w: {"note_id": w["signed_note"].pk},
    "clinical:handoff": lambda w: {"site_id": w["clinical_site"].pk},
}
SAMPLES.update({
    "clinical-patient-detail": _patient,
    "clinical-patient-chart": _patient,
    "clinical-record-list": lambda w: {"patient_id": w["patient"].pk, "kind": "allergies"},
    "clinical-vitals-list": _patient,
    "clinical-case-create": _patient,
    "clinical-visit-create": lambda w: {"case_id": w["case"].pk},
    "clinical-visit-notes": lambda w: {"visit_id": w["visit"].pk},
    "clinical-note-detail": lambda w: {"note_id": w["note"].pk},
    "clinical-note-sign": lambda w: {"note_id": w["note"].pk},
    "clinical-note-cosign": lambda w: {"note_id": w["signed_note"].pk},
    "clinical-note-addenda": lambda w: {"note_id": w["signed_note"].pk},
})
SAMPLES.update({
    "fhir-patient": _patient,
    "fhir-patient-everything": _patient,
    "fhir-encounter": lambda w: {"visit_id": w["visit"].pk},
    "fhir-observation": lambda w: {"observation_id": f"{w['vitals'].pk}-hr"},
    "fhir-allergyintolerance": lambda w: {"allergy_id": w["allergy"].pk},
    "fhir-condition": lambda w: {"condition_id": w["problem"].pk},
})


def build_own(own, user):
    """Charlie's own chart at his Southbay clinic: a case he is responsible for, a visit, his draft note."""
    from apps.clinical.models import Patient

    patient = Patient.objects.for_company(user.company).get(portal_user=user)
    case = CaseFactory(patient=patient, responsible_practitioner=user)
    visit = VisitFactory(case=case)
    own.update(patient=patient, clinical_site=patient.home_site, case=case, visit=visit,
               note=NoteFactory(visit=visit, author=user))


def _own_patient(own):
    return {"patient_id": own["patient"].pk}


def _patient_form(w):
    """Patient form/API with Northwind's clinic as home site: not one of Charlie's (200 form error;
    API 400). The typed names are Southbay-made, so no marker."""
    return {"first_name": "Walk", "last_name": "Patient", "date_of_birth": "1980-01-02", "sex": "female",
            "home_site": str(w["clinical_site"].pk), "company": str(w["company"].pk), "mrn": "NWSECRET-1"}


def _at_nw_site(w, **fields):
    return {**fields, "site": str(w["clinical_site"].pk), "patient": str(w["patient"].pk)}


def _vitals(w):
    return _at_nw_site(w, pulse=80, rr=16, spo2=97, spo2_scale=1, sbp=120, dbp=80, temp="37.0",
                       consciousness="A", on_oxygen=False)


def _case(w):
    """A case with a Northwind clinician responsible: not a practitioner here (200 form error; API 400)."""
    return {"title": "Walk case", "diagnosis_text": "", "diagnosis_code": "",
            "responsible_practitioner": str(w["note"].author_id), "patient": str(w["patient"].pk)}


def _visit(w):
    return _at_nw_site(w, practitioner=str(w["note"].author_id), visited_at="2026-01-05T10:00",
                       reason="Walk visit")


def _note(w):
    soap = {"subjective": "walk", "objective": "", "assessment": "", "plan": ""}
    return {**soap, "content": soap, "template": str(w["note"].pk), "visit": str(w["visit"].pk),
            "patient": str(w["patient"].pk)}


QUERIES = {
    # Patient search: a Northwind MRN or name finds nothing (200).
    "clinical:home": lambda w: {"q": "NWSECRET", "site": str(w["clinical_site"].pk)},
    "clinical-patient-list": lambda w: {"q": "Secretpers", "site": str(w["clinical_site"].pk)},
    "clinical:cosign_list": lambda w: {"note": str(w["signed_note"].pk)},
    "clinical:portal": lambda w: {"patient": str(w["patient"].pk)},
    # A Northwind note as the template of Charlie's own visit's note: not a template here (ignored, 200).
    "clinical:note_new": lambda w: {"template": str(w["note"].pk)},
}
BODIES = {
    # Not a clinical role: refused with a message (200).
    "clinical:roles": lambda w: {"role": "northwind", "codes": ["patient.read"], "company": str(w["company"].pk)},
    "clinical:patient_new": _patient_form,
    "clinical:patient_edit": _patient_form,
    "clinical:patient_delete": lambda w: {"reason": "walk", "patient": str(w["patient"].pk)},
    "clinical:records": lambda w: {"substance": "Walk allergen", "reaction": "", "severity": "mild",
                                   "status": "active", "patient": str(w["patient"].pk)},
    "clinical:record_entered_in_error": lambda w: {"reason": "walk", "entry": str(w["allergy"].pk)},
    "clinical:vitals_new": _vitals,
    "clinical:case_new": _case,
    "clinical:nurse_log": lambda w: _at_nw_site(w, kind="handoff", text="Walk handoff"),
    "clinical:visit_new": _visit,
    "clinical:note_new": _note,
    "clinical:note_edit": _note,
    "clinical:addendum_new": lambda w: {"text": "walk", "note": str(w["signed_note"].pk)},
    "clinical-patient-list": _patient_form,
    "clinical-patient-detail": _patient_form,
    "clinical-record-list": lambda w: {"substance": "Walk allergen", "status": "active",
                                       "patient": str(w["patient"].pk)},
    "clinical-vitals-list": _vitals,
    "clinical-case-create": _case,
    "clinical-visit-create": _visit,
    "clinical-visit-notes": _note,
    "clinical-note-detail": _note,
    "clinical-note-addenda": lambda w: {"text": "walk", "note": str(w["signed_note"].pk)},
}
NO_BODY = {
    "clinical:home": "read-only page (search is QUERIES)",
    "clinical:cosign_list": "read-only list",
    "clinical:portal": "read-only page",
    "clinical:chart": "read-only page",
    "clinical:vitals_chart": "read-only page",
    "clinical:case_detail": "read-only page",
    "clinical:visit_detail": "read-only page",
    "clinical:visit_lock": "the visit is the path argument; no input",
    "clinical:note_detail": "read-only page",
    "clinical:note_sign": "the note is the path argument; no input",
    "clinical:note_cosign": "the note is the path argument; no input",
    "clinical:handoff": "read-only page",
    "clinical-patient-chart": "read-only API",
    "clinical-note-sign": "the note is the path argument; no input",
    "clinical-note-cosign": "the note is the path argument; no input",
    **{name: "read-only FHIR resource" for name in (
        "fhir-patient", "fhir-patient-everything", "fhir-encounter", "fhir-observation", "fhir-allergyintolerance",
        "fhir-condition")},
}
OWN_SAMPLES = {
    # Charlie's own patient, case, visit and note with Northwind's site, clinician, template in the body:
    # every one refused (form error 200 / API 400) or ignored (not a field, 2xx); nothing points at Northwind.
    "clinical:patient_edit": _own_patient,
    "clinical:records": lambda own: {"patient_id": own["patient"].pk, "kind": "allergies"},
    "clinical:vitals_new": _own_patient,
    "clinical:case_new": _own_patient,
    "clinical:nurse_log": _own_patient,
    "clinical:visit_new": lambda own: {"case_id": own["case"].pk},
    "clinical:note_new": lambda own: {"visit_id": own["visit"].pk},
    "clinical:note_edit": lambda own: {"note_id": own["note"].pk},
    "clinical-patient-detail": _own_patient,
    "clinical-record-list": lambda own: {"patient_id": own["patient"].pk, "kind": "allergies"},
    "clinical-vitals-list": _own_patient,
    "clinical-case-create": _own_patient,
    "clinical-visit-create": lambda own: {"case_id": own["case"].pk},
    "clinical-visit-notes": lambda own: {"visit_id": own["visit"].pk},
    "clinical-note-detail": lambda own: {"note_id": own["note"].pk},
}
