from apps.clinical.models import Addendum, NurseLog, VitalSigns
from apps.tenants.roles import CLINICAL_ROLES, Role
from tests.clinical.factories import AllergyFactory, NoteFactory, PatientFactory, ProblemFactory, VisitFactory
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
