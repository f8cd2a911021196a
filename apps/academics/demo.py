"""Demo programs, people, the 2026-2027 calendar and a full block schedule. Idempotent: every
row is found before it is created, and a program's schedule is only built when it has none."""

import datetime
import random

from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from apps.academics import services
from apps.academics.models import AcademicYear, Faculty, Learner, Program, RotationAssignment, RotationType
from apps.core.scoping import unscoped
from apps.notifications.models import Notification
from apps.notifications.selectors import unread_changed
from apps.notifications.services import notification_delivered_in_app
from apps.reference.models import EPASet, Specialty
from apps.tenants.models import Membership, User
from apps.tenants.roles import Role

YEAR = ("2026-2027", datetime.date(2026, 7, 1), datetime.date(2027, 6, 30))
FIRST = ["Avery", "Blake", "Camila", "Dev", "Elena", "Femi", "Grace", "Hiro", "Imani", "Jonah", "Kiran", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Soren", "Tariq", "Uma", "Victor", "Wen", "Ximena",
         "Yusuf", "Zara", "Ines", "Bruno", "Leila", "Tomas"]
LAST = ["Abernathy", "Bellweather", "Castellano", "Dunmore", "Eskildsen", "Fairbrook", "Galloway", "Hollis",
        "Ibarra", "Jantzen", "Kovacs", "Lindqvist", "Marwood", "Nakamura", "Okonjo", "Pellegrini", "Quarles",
        "Ravensworth", "Sandoval", "Thornbury", "Underhill", "Valcourt", "Whitlock", "Yarrow", "Zellweger"]
SURGERY = [("ACS", "Acute Care Surgery", 0, True, 8), ("CRS", "Colorectal Surgery", 1, True, 4),
           ("BRS", "Breast Surgery", 2, False, 0), ("TRA", "Trauma", 3, True, 8), ("SICU", "Surgical ICU", 4, True, 4),
           ("VAS", "Vascular Surgery", 5, False, 0), ("NF", "Night Float", 6, False, 0), ("ELE", "Elective", 7, False, 0)]
MEDICINE = [("WARD", "Inpatient Wards", 0, True, 12), ("MICU", "Medical ICU", 4, True, 4),
            ("CARD", "Cardiology", 3, False, 0), ("AMB", "Ambulatory Clinic", 1, True, 4),
            ("NF", "Night Float", 6, False, 0), ("ID", "Infectious Diseases", 8, False, 0),
            ("ELE", "Elective", 7, False, 0)]
CLERKSHIP = [("SURG", "Surgery Clerkship", 0, True, 8), ("MED", "Medicine Clerkship", 1, True, 8),
             ("PEDS", "Pediatrics Clerkship", 2, False, 0), ("FM", "Family Medicine Clerkship", 9, False, 0)]


def seed(world, log=print):
    with unscoped("demo seeding: builds two tenants"):
        nw, sb = world["northwind"], world["southbay"]
        for site in nw["sites"] + sb["sites"]:
            target = 90 if site.kind == "primary" else 20  # the demo schedules ~77 learners at once
            if site.student_capacity is not None and site.student_capacity < target:
                site.student_capacity = target
                site.save()
        surgery = _program(nw, "Northwind General Surgery Residency", "general_surgery", "General Surgery",
                           Program.Kind.RESIDENCY, director=nw["users"]["director"])
        medicine = _program(nw, "Northwind Internal Medicine Residency", "internal_medicine", "Internal Medicine",
                            Program.Kind.RESIDENCY)
        clerkship = _program(nw, "Northwind Third-Year Clerkship", "general_surgery", "General Surgery",
                             Program.Kind.CLERKSHIP)
        south = _program(sb, "Southbay General Surgery Residency", "general_surgery", "General Surgery",
                         Program.Kind.RESIDENCY, director=sb["users"]["director"])
        _people(nw, surgery, residents=25, faculty=15, special={"resident": 3, "faculty": True, "director": True})
        _people(nw, medicine, residents=30, faculty=6)
        _people(nw, clerkship, students=20, faculty=3, special={"student": True})
        _people(sb, south, residents=6, faculty=3, special={"resident": 2, "faculty": True, "director": True})
        for program, rotations, spec in ((surgery, SURGERY, nw), (medicine, MEDICINE, nw), (clerkship, CLERKSHIP, nw),
                                         (south, SURGERY[:5], sb)):
            _schedule(spec, program, rotations)
        _schedule_published(nw)
    nw["programs"] = {"surgery": surgery, "medicine": medicine, "clerkship": clerkship}
    sb["programs"] = {"surgery": south}
    log("academics: 3 Northwind programs, 1 Southbay program, 2026-2027 blocks and schedules ready")


def _program(spec, name, code, specialty_name, kind, director=None) -> Program:
    specialty, _ = Specialty.objects.get_or_create(
        code=code, defaults={"name": specialty_name, "category": "surgical" if "surg" in code else "medical",
                             "typical_duration_years": 5 if "surg" in code else 3})
    program, _ = Program.objects.get_or_create(
        company=spec["company"], name=name,
        defaults={"sponsor": spec["sponsor"], "specialty": specialty, "kind": kind, "director": director})
    if program.epa_set_id is None:
        program.epa_set = EPASet.objects.filter(specialty=specialty).order_by("-effective_date").first()
        if program.epa_set_id:
            program.save()
    coordinator = spec["users"]["coordinator"]
    _membership(coordinator, Role.COORDINATOR, program)
    return program


def _membership(user, role, program):
    Membership.objects.get_or_create(user=user, role=role, program=program, site=None, institution=None,
                                     defaults={"company": program.company})


def _people(spec, program, residents=0, students=0, faculty=0, special=None):
    special, subdomain = special or {}, spec["company"].subdomain
    rng = random.Random(program.name)
    names = rng.sample([(f, l) for f in FIRST for l in LAST], residents + students + faculty)
    for index, (first, last) in enumerate(names[:residents + students]):
        pgy = index % 5 + 1 if residents else None
        user = _user(spec["company"], f"{first.lower()}.{last.lower()}@{subdomain}.example", first, last)
        _learner(program, user, pgy)
    for first, last in names[residents + students:]:
        _faculty(program, _user(spec["company"], f"{first.lower()}.{last.lower()}@{subdomain}.example", first, last))
    users = spec["users"]
    if special.get("resident"):
        _learner(program, users["resident"], special["resident"])
    if special.get("student"):
        _learner(program, users["student"], None)
    if special.get("faculty"):
        _faculty(program, users["faculty"])
    if special.get("director"):
        _membership(users["director"], Role.PROGRAM_DIRECTOR, program)


def _user(company, email, first, last) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, company=company, first_name=first, last_name=last)
    return user


def _learner(program, user, pgy):
    kind = Learner.Kind.RESIDENT if pgy else Learner.Kind.STUDENT
    Learner.objects.get_or_create(program=program, user=user, defaults={
        "company": program.company, "kind": kind, "pgy_level": pgy, "entry_pgy_level": 1 if pgy else None,
        "matriculation_date": datetime.date(2027 - (pgy or 1), 7, 1), "class_year": None if pgy else 2028})
    _membership(user, Role.RESIDENT if pgy else Role.STUDENT, program)


def _faculty(program, user):
    Faculty.objects.get_or_create(program=program, user=user, defaults={
        "company": program.company, "rank": Faculty.Rank.ASSISTANT, "is_core_faculty": True})
    _membership(user, Role.FACULTY, program)


def _schedule(spec, program, rotations):
    coordinator = spec["users"]["coordinator"]
    year = AcademicYear.objects.filter(program=program, name=YEAR[0]).first()
    if year is None:
        year = services.academic_year_create(actor=coordinator, program=program, name=YEAR[0], start_date=YEAR[1],
                                             end_date=YEAR[2], is_current=True)
        services.blocks_generate(actor=coordinator, academic_year=year, pattern="four_week")
    types = []
    for code, name, colour, required, weeks in rotations:
        rt, _ = RotationType.objects.get_or_create(program=program, code=code, defaults={
            "company": program.company, "name": name, "colour": colour, "is_required": required,
            "minimum_weeks": weeks, "category": "elective" if code == "ELE" else "core"})
        types.append(rt)
    if RotationAssignment.objects.filter(learner__program=program).exists():
        return
    blocks = list(year.blocks.order_by("number"))
    faculty = list(program.faculty.select_related("user").order_by("user__email"))
    learners = list(program.learners.order_by("user__email"))
    rows = [RotationAssignment(
        learner=learner, company=program.company, block=block, rotation_type=types[(i + b) % len(types)],
        start_date=block.start_date, end_date=block.end_date, site=spec["sites"][1 if (i + b) % 5 == 0 else 0],
        primary_supervisor=_supervisor(faculty, spec, i, b))
        for i, learner in enumerate(learners) for b, block in enumerate(blocks)]
    bulk_create_with_history(rows, RotationAssignment, default_user=coordinator)


def _supervisor(faculty, spec, i, b):
    """The demo faculty login supervises a few learners each block, so their pages have content."""
    if not faculty:
        return None
    demo = next((f for f in faculty if f.user_id == spec["users"]["faculty"].pk), None)
    if demo is not None and i % 6 == 0:
        return demo
    return faculty[(i + b) % len(faculty)]


def _schedule_published(nw):
    """The demo resident's and faculty member's inboxes say the schedule was published (once)."""
    keys = [f"demo:schedule:{who}:published:in_app" for who in ("resident", "faculty")]
    if Notification.objects.for_company(nw["company"]).filter(idempotency_key__in=keys).exists():
        return
    rows = [notification_delivered_in_app(
        user=nw["users"][who], kind="schedule_changed", title="Your block schedule was updated",
        message="The coordinator published the 2026-2027 block schedule. Check your rotations.",
        action_url=reverse("academics:my_schedule"), key=f"schedule:{who}:published", read=True)
        for who in ("resident", "faculty")]
    bulk_create_with_history(rows, Notification, default_user=nw["users"]["coordinator"])
    unread_changed(company_id=nw["company"].pk, user_ids=[row.user_id for row in rows])  # bulk: no signals
