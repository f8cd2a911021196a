"""Hospital demo: Northwind General Hospital with two wards (40 beds, most occupied by Northwind's
patients — the same records as Harbor Street Clinic's, one chart across the company's sites), lab
orders and results (one critical potassium unacknowledged, a few orders waiting in the lab queue),
active prescriptions with the last day of the MAR recorded, a discharge summary awaiting approval,
and stock with one low item and one lot expiring within 30 days. New logins: labtech@ and
pharmacist@northwind.example; nurse@ and practitioner@ also work on the wards.

Everything is written through the services (audit rows, history, the ledger, the constraints).
The reference ranges are illustrative demo values (each laboratory publishes its own); the catalog
carries no LOINC codes. A hospital that already has wards is left alone: seeding twice changes nothing."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from apps.clinical.models import Patient
from apps.core.scoping import unscoped
from apps.hospital import services
from apps.hospital.models import Dose, StockLot, Ward
from apps.tenants.models import Membership, Site, User
from apps.tenants.roles import Role

HOSPITAL = "Northwind General Hospital"
WARDS = [("Ward 4A", "4", "General medicine", 22), ("Ward 5B", "5", "Surgery", 18)]
OCCUPIED = 34
NEW_STAFF = {"labtech": ("Lena", "Marchetti", Role.LAB_TECHNICIAN), "pharmacist": ("Tomas", "Varga", Role.PHARMACIST)}
# name, unit, specimen, [(sex, low, high, low critical, high critical)] — illustrative demo ranges
TESTS = [
    ("Potassium", "mmol/L", "serum", [("", "3.5", "5.0", "2.5", "6.5")]),
    ("Sodium", "mmol/L", "serum", [("", "135", "145", "120", "160")]),
    ("Glucose", "mmol/L", "plasma", [("", "3.9", "7.8", "2.5", "25")]),
    ("Creatinine", "µmol/L", "serum", [("female", "45", "90", None, None), ("male", "60", "110", None, None)]),
    ("Haemoglobin", "g/L", "whole blood", [("female", "120", "155", "70", None), ("male", "135", "175", "70", None)]),
    ("White cell count", "10^9/L", "whole blood", [("", "4.0", "11.0", "1.0", "30")]),
    ("Platelets", "10^9/L", "whole blood", [("", "150", "400", "20", "1000")]),
]
# name, kind, unit, reorder threshold, [(lot, days to expiry, quantity)]
STOCK = [
    ("Paracetamol 500 mg tablet", "medication", "tablet", 200, [("PA-2611", 400, 1200)]),
    ("Amoxicillin 500 mg capsule", "medication", "capsule", 100, [("AM-2607", 300, 600)]),
    ("Enoxaparin 40 mg syringe", "medication", "syringe", 60, [("EN-2605", 200, 34)]),  # low
    ("Furosemide 40 mg tablet", "medication", "tablet", 100, [("FU-2512", 20, 150), ("FU-2703", 450, 400)]),  # expiring
    ("Metformin 500 mg tablet", "medication", "tablet", 100, [("ME-2702", 420, 800)]),
    ("Saline flush 10 mL", "supply", "syringe", 100, [("SF-2609", 365, 500)]),
    ("Blood collection tube", "supply", "tube", 200, [("BC-2701", 500, 1000)]),
]
# medication, strength, form, dose, unit, route, frequency, as needed, stock item
REGIMENS = [
    ("Paracetamol", "500 mg", "tablet", "1000", "mg", "oral", "QID", False, "Paracetamol 500 mg tablet"),
    ("Enoxaparin", "40 mg", "syringe", "40", "mg", "subcutaneous", "daily", False, "Enoxaparin 40 mg syringe"),
    ("Amoxicillin", "500 mg", "capsule", "500", "mg", "oral", "TID", False, "Amoxicillin 500 mg capsule"),
    ("Furosemide", "40 mg", "tablet", "40", "mg", "oral", "BID", False, "Furosemide 40 mg tablet"),
    ("Metformin", "500 mg", "tablet", "500", "mg", "oral", "BID", False, "Metformin 500 mg tablet"),
    ("Paracetamol", "500 mg", "tablet", "500", "mg", "oral", "PRN", True, "Paracetamol 500 mg tablet"),
]


def seed(world, log=print):
    with unscoped("demo seeding: the hospital floor"):
        _seed(world, world["northwind"], log)


def _fresh(user):
    """The user re-read: its cached memberships and permission codes predate the ones added here."""
    return User.objects.get(pk=user.pk)


def _seed(world, tenant, log):
    company, institution = tenant["company"], tenant["institution"]
    site, _ = Site.objects.get_or_create(institution=institution, name=HOSPITAL, defaults={
        "time_zone": "America/New_York", "kind": Site.Kind.PRIMARY, "company": company, "student_capacity": 30})
    people = {}
    for key, (first, last, role) in NEW_STAFF.items():
        email = f"{key}@northwind.example"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, world.get("password", "rounds-demo"), company=company, first_name=first, last_name=last,
            email_verified=True)
        Membership.objects.get_or_create(user=user, role=role, site=site, program=None, institution=None,
                                         defaults={"company": company})
        people[key] = user
    for key, role in (("nurse", Role.NURSE), ("practitioner", Role.PRACTITIONER), ("practitioner2", Role.PRACTITIONER)):
        user = User.objects.filter(email=f"{key}@northwind.example").first()
        if user is not None:
            Membership.objects.get_or_create(user=user, role=role, site=site, program=None, institution=None,
                                             defaults={"company": company})
            people[key] = user
    if world.get("add_demo_authenticators"):
        world["add_demo_authenticators"]([people["labtech"], people["pharmacist"]])
    if Ward.objects.for_company(company).filter(site=site).exists():
        log(f"hospital: {HOSPITAL} already has wards; nothing to do")
        return
    people = {key: _fresh(user) for key, user in people.items()}
    nurse, doctor, labtech, pharmacist = people["nurse"], people["practitioner"], people["labtech"], people["pharmacist"]
    rng = random.Random("rounds-hospital-northwind")
    now = timezone.now()

    beds = []
    for name, floor, speciality, count in WARDS:
        ward = services.ward_create(actor=nurse, site=site, name=name, floor=floor, speciality=speciality)
        beds += [services.bed_create(actor=nurse, ward=ward, label=f"{name[-2:]}-{n:02d}") for n in range(1, count + 1)]

    tests = {}
    for name, unit, specimen, ranges in TESTS:
        tests[name] = services.lab_test_create(actor=labtech, company=company, name=name, unit=unit, specimen=specimen,
                                               ranges=[_range(*r) for r in ranges])

    items = {}
    for name, kind, unit, threshold, lots in STOCK:
        item = services.inventory_item_create(actor=pharmacist, site=site, name=name, kind=kind, unit=unit,
                                              reorder_threshold=threshold)
        for lot, days, quantity in lots:
            services.stock_receive(actor=pharmacist, item=item, lot_number=lot, quantity=quantity,
                                   expiry_date=timezone.localdate() + datetime.timedelta(days=days))
        items[name] = item

    patients = list(Patient.objects.for_company(company).filter(portal_user__isnull=True)
                    .filter(date_of_birth__lte=datetime.date.today() - datetime.timedelta(days=365 * 18))
                    .order_by("mrn")[:OCCUPIED + 1])
    admissions = []
    for patient, bed in zip(patients[:OCCUPIED], beds[:OCCUPIED], strict=False):
        admitted = now - datetime.timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 20))
        admissions.append(services.admission_admit(
            actor=nurse, patient=patient, site=site, practitioner=doctor, bed=bed, admitted_at=admitted,
            reason=rng.choice(["Community-acquired pneumonia", "Heart failure exacerbation", "Cellulitis",
                               "Post-operative care", "Acute kidney injury", "Fall with hip fracture"])))
    for bed, status in zip(beds[OCCUPIED:], ["cleaning", "reserved", "maintenance"], strict=False):
        services.bed_set_status(actor=nurse, bed=bed, status=status)

    _labs(rng, admissions, tests, doctor, labtech, site, now)
    _medications(rng, admissions, items, doctor, pharmacist, nurse, site, now)
    # One patient went home yesterday: the summary waits for approval by another practitioner.
    leaving = patients[OCCUPIED]
    stay = services.admission_admit(actor=nurse, patient=leaving, site=site, practitioner=doctor,
                                    reason="Chest pain, observation", admitted_at=now - datetime.timedelta(days=3))
    services.admission_discharge(actor=doctor, admission=stay, disposition="home",
                                 at=now - datetime.timedelta(days=1),
                                 summary="Admitted for observation of chest pain. Serial troponins normal, ECG unchanged. "
                                         "Discharged home; GP follow-up in one week.")
    log(f"hospital: {HOSPITAL}: {len(beds)} beds, {len(admissions)} admitted, staff labtech@ pharmacist@ nurse@")


def _range(sex, low, high, low_critical, high_critical):
    number = lambda value: Decimal(value) if value is not None else None  # noqa: E731
    return {"sex": sex, "low_normal": number(low), "high_normal": number(high), "low_critical": number(low_critical),
            "high_critical": number(high_critical)}


def _labs(rng, admissions, tests, doctor, labtech, site, now):
    panel = [tests["Sodium"], tests["Potassium"], tests["Creatinine"], tests["Glucose"]]
    blood = [tests["Haemoglobin"], tests["White cell count"], tests["Platelets"]]
    for index, stay in enumerate(admissions[:14]):
        order = services.lab_order_create(actor=doctor, patient=stay.patient, site=site, admission=stay,
                                          tests=panel if index % 2 == 0 else blood,
                                          urgency="stat" if index == 0 else rng.choice(["routine", "urgent"]))
        if index >= 10:
            continue  # waiting in the lab queue
        services.lab_order_transition(actor=labtech, order=order, status="accepted")
        services.lab_specimen_collect(actor=labtech, order=order)
        values = {}
        for result in order.results.select_related("test"):
            values[str(result.pk)] = _value(rng, result.test.name, critical=index == 0)
        services.lab_results_record(actor=labtech, order=order, values=values)


def _value(rng, name, critical=False):
    if critical and name == "Potassium":
        return "6.9"  # critical high: the ordering practitioner is told, and it stays on their to-do
    typical = {"Potassium": (3.6, 5.3), "Sodium": (133, 146), "Creatinine": (55, 140), "Glucose": (4.2, 11.0),
               "Haemoglobin": (98, 160), "White cell count": (4.5, 14.0), "Platelets": (160, 390)}[name]
    return str(round(rng.uniform(*typical), 1))


def _medications(rng, admissions, items, doctor, pharmacist, nurse, site, now):
    start = now - datetime.timedelta(hours=26)
    for index, stay in enumerate(admissions):
        for regimen in rng.sample(REGIMENS, 2 if index % 3 else 3):
            medication, strength, form, dose, unit, route, frequency, prn, item_name = regimen
            data = {"medication": medication, "strength": strength, "form": form, "dose": Decimal(dose),
                    "dose_unit": unit, "route": route, "frequency": frequency, "as_needed": prn,
                    "as_needed_condition": "pain or fever above 38 °C" if prn else "", "start_at": start,
                    "duration_days": 7, "quantity": Decimal(28)}
            try:
                prescription = services.prescription_create(
                    actor=doctor, patient=stay.patient, site=site, data=data, admission=stay,
                    inventory_item=items[item_name])
            except services.AllergyWarning:
                continue  # the demo leaves the patient's charted allergy alone
            lot = StockLot.objects.for_company(site.company_id).filter(item=items[item_name], level__gt=20).order_by(
                "-expiry_date").first()
            if lot is not None and index % 2 == 0 and items[item_name].name != "Enoxaparin 40 mg syringe":
                services.prescription_dispense(actor=pharmacist, prescription=prescription, lot=lot,
                                               quantity=Decimal(14))
            _record_day(rng, prescription, nurse, now)


def _record_day(rng, prescription, nurse, now):
    if prescription.as_needed:
        services.dose_give_as_needed(actor=nurse, prescription=prescription, reason="Pain 5/10",
                                     at=now - datetime.timedelta(hours=rng.randint(3, 10)))
        return
    past = Dose.objects.for_company(prescription.company_id).filter(
        prescription=prescription, status=Dose.Status.SCHEDULED, due_at__lt=now - datetime.timedelta(minutes=30))
    for dose in past.order_by("due_at"):
        roll = rng.random()
        if roll < 0.9:
            services.dose_record(actor=nurse, dose=dose, status="given",
                                 at=dose.due_at + datetime.timedelta(minutes=rng.randint(0, 25)))
        elif roll < 0.95:
            services.dose_record(actor=nurse, dose=dose, status="held", reason="Nil by mouth before theatre")
        else:
            services.dose_record(actor=nurse, dose=dose, status="refused", reason="Patient declined")


