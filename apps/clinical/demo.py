"""Clinical demo data: Northwind's Harbor Street Clinic (~200 patients, two practitioners, a nurse,
reception, the demo student and resident on rotation with notes awaiting co-signature, vitals with
some medium/high NEWS2, signed notes with an addendum) and a smaller Southbay Family Clinic.

Every name is invented (first and last names combined at random); no real person is described.
Notes are written and signed through the services, so their digests are real. A clinic that
already has patients is left alone, so seeding twice changes nothing."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from apps.clinical.models import Allergy, Medication, NoteTemplate, NurseLog, Patient, Problem, VitalSigns
from apps.clinical.names import FIRST, LAST
from apps.clinical.services import notes as note_services
from apps.clinical.services import patients as patient_services
from apps.clinical.services import visits as visit_services
from apps.clinical.services.vitals import compute_bmi, flags_for, news2_for
from apps.core.scoping import unscoped
from apps.tenants.models import Membership, User
from apps.tenants.roles import Role

LANGUAGES = ["English", "English", "English", "Spanish", "Mandarin", "Polish", "Arabic"]
PAYERS = ["Harborline Health Plan", "Bayview Mutual", "Self-pay", "Crescent Care Insurance"]
PROBLEMS = ["Hypertension", "Type 2 diabetes mellitus", "Asthma", "Chronic low back pain", "Osteoarthritis of knee",
            "Hypothyroidism", "Migraine", "Atrial fibrillation"]
MEDICATIONS = [("Lisinopril", "10 mg", "oral", "once daily"), ("Metformin", "500 mg", "oral", "twice daily"),
               ("Salbutamol inhaler", "100 mcg", "inhaled", "as needed"), ("Levothyroxine", "50 mcg", "oral",
                                                                            "once daily"),
               ("Ibuprofen", "400 mg", "oral", "three times daily")]
ALLERGENS = [("Penicillin", "Hives", Allergy.Severity.MODERATE), ("Latex", "Contact dermatitis", Allergy.Severity.MILD),
             ("Peanuts", "Anaphylaxis", Allergy.Severity.SEVERE), ("Sulfonamides", "Rash", Allergy.Severity.MILD)]
STAFF = {
    "northwind": {"practitioner": ("Priya", "Castellano"), "practitioner2": ("Henrik", "Solberg"),
                  "nurse": ("Nadia", "Okonkwo"), "reception": ("Rosa", "Delgado"), "patient": ("Amara", "Whitlock")},
    "southbay": {"practitioner": ("Luis", "Ferreira"), "nurse": ("Hannah", "Ibsen"), "reception": ("Omar", "Haddad")},
}
ROLES = {"practitioner": Role.PRACTITIONER, "practitioner2": Role.PRACTITIONER, "nurse": Role.NURSE,
         "reception": Role.RECEPTION}
SOAP = {"subjective": "Reports {complaint} for {days} days.", "objective": "Alert, afebrile. {finding}.",
        "assessment": "{problem}.", "plan": "Continue current treatment; review in {weeks} weeks."}


DEMO_PASSWORD = "rounds-demo"  # the tenants demo's (world["password"]); every demo login shares it


def seed(world, log=print):
    assert world.get("password", DEMO_PASSWORD) == DEMO_PASSWORD, "one demo password for every login"
    with unscoped("demo seeding: clinical data for both tenants"):
        for subdomain, patients in (("northwind", 200), ("southbay", 30)):
            tenant = {**world[subdomain], "world_add_demo_authenticators": world.get("add_demo_authenticators")}
            _seed_clinic(subdomain, tenant, patients, log)


def _user(company, subdomain, key, first, last):
    email = f"{key}@{subdomain}.example"
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, DEMO_PASSWORD, company=company, first_name=first, last_name=last,
                                            email_verified=True)


def _member(user, role, site=None):
    Membership.objects.get_or_create(user=user, role=role, site=site, program=None, institution=None,
                                     defaults={"company": user.company})


def _seed_clinic(subdomain, tenant, count, log):
    company, clinic = tenant["company"], tenant["sites"][1]
    staff = {key: _user(company, subdomain, key, *name) for key, name in STAFF[subdomain].items()}
    for key, role in ROLES.items():
        if key in staff:
            _member(staff[key], role, clinic)
    learners = [tenant["users"][key] for key in ("student", "resident")]
    for learner in learners:
        _member(learner, Role.CLINICAL_LEARNER, clinic)
    if "patient" in staff:
        _member(staff["patient"], Role.PATIENT)
    # Clinical roles require two-factor sign-in: the demo logins get the published demo authenticator.
    tenant_world = tenant.get("world_add_demo_authenticators")
    if tenant_world:
        tenant_world([user for key, user in staff.items() if key != "patient"] + learners)
    for name, prompts in (("General SOAP", {"subjective": "Presenting complaint, history, red flags",
                                            "plan": "Treatment, safety-netting, follow-up"}),
                          ("Physiotherapy initial assessment", {"subjective": "Pain location, onset, 0–10 score",
                                                                "objective": "Range of motion, strength, special tests"})):
        NoteTemplate.objects.get_or_create(company=company, name=name, defaults={"sections": prompts})
    if Patient.all_objects.for_company(company).filter(home_site=clinic).exists():
        log(f"clinical: {clinic.name} already has patients; nothing to do")
        return
    rng = random.Random(f"rounds-clinical-{subdomain}")
    practitioners = [staff[key] for key in ("practitioner", "practitioner2") if key in staff]
    patients = [_patient(rng, index, clinic, staff, practitioners, subdomain) for index in range(count)]
    now = timezone.now()
    for index, patient in enumerate(patients):
        _records(rng, patient, staff["nurse"])
        if index % 3 == 0:
            _vitals(rng, patient, clinic, staff["nurse"], now - datetime.timedelta(hours=rng.randint(1, 20)),
                    sick=index % 15 == 0)
    notes = _visits_and_notes(rng, patients[:12], clinic, practitioners, learners, now)
    for patient in patients[:6]:
        NurseLog.objects.create(patient=patient, company=company, site=clinic, author=staff["nurse"],
                                kind=rng.choice(list(NurseLog.Kind)), logged_at=now - datetime.timedelta(hours=2),
                                text=f"{patient.first_name} comfortable; observations repeated, family updated.")
    if "patient" in staff:
        patients[0].portal_user = staff["patient"]
        patients[0].save(update_fields=["portal_user"])
    log(f"clinical: {clinic.name}: {len(patients)} patients, {notes} notes, staff {', '.join(sorted(staff))}")


def _patient(rng, index, clinic, staff, practitioners, subdomain):
    first, last = (STAFF[subdomain]["patient"] if index == 0 and "patient" in staff
                   else (rng.choice(FIRST), rng.choice(LAST)))
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 65))
    if index % 25 == 7:
        born = datetime.date.today() - datetime.timedelta(days=365 * rng.randint(4, 14))  # a child: no NEWS2
    data = {
        "first_name": first, "last_name": last, "date_of_birth": born,
        "sex": rng.choice([Patient.Sex.FEMALE, Patient.Sex.MALE]), "phone": f"555-{rng.randint(100, 999)}-{index:04d}",
        "address_line": f"{rng.randint(1, 400)} {rng.choice(['Harbor', 'Pier', 'Mill', 'Elm'])} Street",
        "city": "Northwind" if subdomain == "northwind" else "Southbay", "preferred_language": rng.choice(LANGUAGES),
        "insurance_payer": rng.choice(PAYERS), "insurance_member_id": f"M{rng.randint(100000, 999999)}",
        "emergency_contacts": [{"name": f"{rng.choice(FIRST)} {last}", "relationship": "family",
                                "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"}],
        "primary_practitioner": practitioners[index % len(practitioners)], "primary_nurse": staff["nurse"],
    }
    return patient_services.patient_create(actor=staff["reception"], site=clinic, data=data, allow_duplicate=True)


def _records(rng, patient, author):
    if rng.random() < 0.3:
        substance, reaction, severity = rng.choice(ALLERGENS)
        Allergy.objects.create(patient=patient, company=patient.company, recorded_by=author, substance=substance,
                               reaction=reaction, severity=severity)
    for description in rng.sample(PROBLEMS, rng.randint(0, 2)):
        Problem.objects.create(patient=patient, company=patient.company, recorded_by=author, description=description)
    for name, dose, route, frequency in rng.sample(MEDICATIONS, rng.randint(0, 2)):
        Medication.objects.create(patient=patient, company=patient.company, recorded_by=author, name=name, dose=dose,
                                  route=route, frequency=frequency)


def _vitals(rng, patient, site, nurse, when, sick):
    values = {"rr": rng.randint(14, 19), "spo2": rng.randint(96, 99), "sbp": rng.randint(112, 150),
              "dbp": rng.randint(65, 88), "pulse": rng.randint(60, 88), "consciousness": "A",
              "temp": Decimal(rng.choice(["36.4", "36.8", "37.1"])), "weight_kg": Decimal(rng.randint(50, 110)),
              "height_cm": Decimal(rng.randint(150, 195)), "pain": rng.randint(0, 4)}
    if sick:  # NEWS2 medium or high
        values.update(rr=rng.choice([22, 26]), spo2=rng.choice([93, 91]), pulse=rng.choice([112, 125]),
                      temp=Decimal("38.6"), sbp=rng.choice([98, 108]))
    vitals = VitalSigns(patient=patient, company=patient.company, site=site, recorded_by=nurse, recorded_at=when,
                        **values)
    vitals.bmi = compute_bmi(vitals.weight_kg, vitals.height_cm)
    vitals.flags = flags_for(vitals)
    result = news2_for(vitals, patient)
    if result is not None:
        vitals.news2_score, vitals.news2_risk, vitals.news2_parameters = result.total, result.risk, result.parameters
    vitals.save()


def _visits_and_notes(rng, patients, clinic, practitioners, learners, now) -> int:
    written = 0
    for index, patient in enumerate(patients):
        practitioner = practitioners[index % len(practitioners)]
        problem = rng.choice(PROBLEMS)
        case = visit_services.case_open(actor=practitioner, patient=patient, title=problem,
                                        responsible_practitioner=practitioner)
        visit = visit_services.visit_create(actor=practitioner, case=case, site=clinic, practitioner=practitioner,
                                            visited_at=now - datetime.timedelta(days=index), reason="Review")
        # Learners write the first notes (awaiting co-signature); practitioners sign the rest.
        author = learners[index % len(learners)] if index < 4 else practitioner
        content = {key: text.format(complaint=rng.choice(["fatigue", "joint pain", "cough", "headaches"]),
                                    days=rng.randint(2, 20), finding="Chest clear, abdomen soft",
                                    problem=problem, weeks=rng.choice([2, 4, 6]))
                   for key, text in SOAP.items()}
        note = note_services.note_start(actor=author, visit=visit, content=content)
        written += 1
        if index == len(patients) - 1:
            continue  # one draft stays open
        note = note_services.note_sign(actor=author, note=note)
        if index in (4, 5):
            note_services.addendum_add(actor=author, note=note,
                                       text="Laboratory results reviewed with the patient by telephone; no change to plan.")
    return written
