"""Demo CCC: Northwind Internal Medicine's mid-year committee for 2026-2027 — a completed meeting
with reviews and milestone levels for half the residents and a planned one for the rest — and a
planned mid-year meeting for General Surgery whose packets come from the residents' two years of
EPA assessments (every ABS EPA mapped to the one sourced Surgery subcompetency, PC1).

Goes through the services (audited, with history). Idempotent: a program with meetings is left
alone. Deterministic: a fixed random seed. The review texts are demo prose, not official text."""

import datetime
import random
from decimal import Decimal

from apps.academics.models import AcademicYear, Faculty, Learner
from apps.ccc import services
from apps.ccc.models import CCCMeeting, MilestoneLevel, Period, ResidentReview
from apps.core.scoping import unscoped
from apps.reference.models import EPA, Milestone, MilestoneSet
from apps.tenants.models import Membership, User
from apps.tenants.roles import Role

COMPLETED_ON = datetime.date(2026, 11, 19)
PLANNED_ON = datetime.date(2026, 12, 10)
SURGERY_ON = datetime.date(2026, 12, 8)
STRENGTHS = ["Organised, calm presentations on rounds; patients and nurses trust them.",
             "Reads around every case and brings the evidence to the team.",
             "Clear, kind communication with families, including difficult news.",
             "Reliable handoffs; closes the loop on pending results."]
IMPROVEMENTS = ["Broaden the differential before anchoring on the first diagnosis.",
                "Lead the team more: delegate tasks to interns and students.",
                "Finish discharge documentation on the day of discharge.",
                "Ask for help earlier when overnight workload is high."]


def seed(world, log=print):
    nw = world["northwind"]
    with unscoped("demo seeding: Northwind CCC"):
        medicine, surgery = nw["programs"]["medicine"], nw["programs"]["surgery"]
        im_set = MilestoneSet.objects.filter(specialty_id="internal_medicine", version="2.0").first()
        surgery_set = MilestoneSet.objects.filter(specialty_id="general_surgery").order_by("-version").first()
        if im_set is None:
            log("ccc: the Internal Medicine Milestones are not loaded (manage.py load_reference); skipped")
            return
        for program, milestone_set in ((medicine, im_set), (surgery, surgery_set)):
            if milestone_set is not None and program.milestone_set_id is None:
                program.milestone_set = milestone_set
                program._history_user = nw["users"]["coordinator"]
                program.save()
        chair, resident = _logins(world, nw, medicine)
        made = []
        if not CCCMeeting.objects.for_company(nw["company"]).filter(program=medicine).exists():
            made += _medicine(nw, medicine, chair)
        if surgery_set is not None and not CCCMeeting.objects.for_company(nw["company"]).filter(program=surgery).exists():
            made += _surgery(nw, surgery)
    nw["ccc"] = {"chair": chair, "resident": resident}
    log(f"ccc: {len(made)} CCC meetings (Internal Medicine mid-year: completed + planned; Surgery: planned)"
        if made else "ccc: demo meetings already there; nothing to do")


def _logins(world, nw, medicine):
    """``ccc-chair@`` chairs Internal Medicine's CCC; ``im-resident@`` is a PGY-2 reviewed there."""
    company = nw["company"]
    chair = _user(world, company, "ccc-chair@northwind.example", "Miriam", "Achterberg")
    Faculty.objects.get_or_create(program=medicine, user=chair, defaults={
        "company": company, "rank": Faculty.Rank.ASSOCIATE, "is_core_faculty": True})
    Membership.objects.get_or_create(user=chair, role=Role.FACULTY, program=medicine, site=None, institution=None,
                                     defaults={"company": company})
    resident = _user(world, company, "im-resident@northwind.example", "Theo", "Brandvold")
    Learner.objects.get_or_create(program=medicine, user=resident, defaults={
        "company": company, "kind": Learner.Kind.RESIDENT, "pgy_level": 2, "entry_pgy_level": 1,
        "matriculation_date": datetime.date(2025, 7, 1)})
    Membership.objects.get_or_create(user=resident, role=Role.RESIDENT, program=medicine, site=None, institution=None,
                                     defaults={"company": company})
    return chair, resident


def _user(world, company, email, first, last):
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, world["password"], company=company, first_name=first,
                                            last_name=last, email_verified=True)


def _year(program):
    return AcademicYear.objects.for_company(program.company_id).filter(program=program, is_current=True).first()


def _members(program, chair, count=3):
    others = list(Faculty.objects.for_company(program.company_id).filter(program=program, is_active=True)
                  .exclude(user=chair).order_by("user__email").values_list("user_id", flat=True)[:count])
    return [chair.pk, *others]


def _medicine(nw, program, chair):
    coordinator = nw["users"]["coordinator"]
    year = _year(program)
    learners = list(Learner.objects.for_company(program.company_id).filter(program=program, kind="resident")
                    .select_related("user", "program").order_by("user__email"))
    demo_resident = next(learner for learner in learners if learner.user.email.startswith("im-resident@"))
    others = [learner for learner in learners if learner.pk != demo_resident.pk]
    half = len(learners) // 2
    reviewed, planned = [demo_resident, *others[:half - 1]], others[half - 1:]
    members = _members(program, chair)
    done = services.meeting_create(actor=coordinator, program=program, academic_year=year, period=Period.MID_YEAR,
                                   date=COMPLETED_ON, chair=chair, member_ids=members,
                                   learner_ids=[learner.pk for learner in reviewed])
    services.meeting_start(actor=chair, meeting=done)
    services.meeting_attendance_record(actor=chair, meeting=done, attended_user_ids=members)
    milestones = list(Milestone.objects.filter(milestone_set_id=program.milestone_set_id).order_by("display_order"))
    rng = random.Random("northwind-im-ccc")
    for index, learner in enumerate(reviewed):
        levels = {m.pk: (_level(rng, learner.pgy_level), "") for m in milestones}
        remediation = index == 3
        services.review_record(
            actor=chair, meeting=done, learner=learner,
            overall_performance=ResidentReview.Performance.BELOW if remediation
            else ResidentReview.Performance.AS_EXPECTED,
            promotion_recommendation=ResidentReview.Recommendation.PROMOTE_WITH_CONDITIONS if remediation
            else ResidentReview.Recommendation.PROMOTE,
            strengths=rng.choice(STRENGTHS), areas_for_improvement=rng.choice(IMPROVEMENTS),
            remediation=remediation,
            remediation_plan="Weekly check-in with the associate program director; direct observation of "
                             "admissions on the wards block." if remediation else "",
            follow_up_date=datetime.date(2027, 1, 14) if remediation else None,
            discussion_notes="Committee discussion (demo).", levels=levels)
    services.meeting_complete(actor=chair, meeting=done, minutes="Mid-year review of the first half of the "
                                                                  "residents (demo).")
    upcoming = services.meeting_create(actor=coordinator, program=program, academic_year=year,
                                       period=Period.MID_YEAR, date=PLANNED_ON, chair=chair, member_ids=members,
                                       learner_ids=[learner.pk for learner in planned])
    return [done, upcoming]


def _level(rng, pgy) -> str:
    """A plausible demo level for a PGY (about 1.5 at PGY-1 up to 4 at PGY-3 and beyond)."""
    base = Decimal("1") + Decimal("0.75") * min(pgy or 1, 4) + Decimal(rng.choice([-1, 0, 0, 1])) / 2
    halves = min(max((base * 2).to_integral_value(), 2), 10)
    code = format((halves / 2).normalize(), "f")
    return code if code in MilestoneLevel.values else MilestoneLevel.L3


def _surgery(nw, program):
    coordinator, faculty = nw["users"]["coordinator"], nw["users"]["faculty"]
    milestones = list(Milestone.objects.filter(milestone_set_id=program.milestone_set_id))
    epas = list(EPA.objects.filter(epa_set_id=program.epa_set_id)) if program.epa_set_id else []
    services.mapping_set(actor=coordinator, program=program,
                         weights={(epa.pk, m.pk): Decimal("1") for epa in epas for m in milestones})
    learners = list(Learner.objects.for_company(program.company_id).filter(program=program, kind="resident")
                    .order_by("pgy_level", "user__email").values_list("pk", flat=True))
    meeting = services.meeting_create(actor=coordinator, program=program, academic_year=_year(program),
                                      period=Period.MID_YEAR, date=SURGERY_ON, chair=faculty,
                                      member_ids=_members(program, faculty), learner_ids=learners)
    return [meeting]
