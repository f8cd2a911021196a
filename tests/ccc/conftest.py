"""A Northwind program with a CCC: Carla the coordinator, Chris the chair and three more faculty,
three residents (Ana, Ben, Cleo), a 4-level EPA scale, two subcompetencies and a mapping."""

import datetime
from decimal import Decimal

import pytest

from apps.ccc import services
from apps.ccc.models import EvidenceMapping, Period
from apps.tenants.roles import Role
from tests.factories import (
    AcademicYearFactory,
    CompetencyFactory,
    EPAFactory,
    FacultyFactory,
    LearnerFactory,
    MembershipFactory,
    MilestoneFactory,
    MilestoneSetFactory,
    ProgramFactory,
    UserFactory,
)


@pytest.fixture
def committee(sponsor):
    return build_committee(sponsor)


def build_committee(sponsor):
    program = ProgramFactory(sponsor=sponsor, name="Northwind Medicine Residency")
    program.milestone_set = MilestoneSetFactory(specialty=program.specialty)
    program.save()
    competency = CompetencyFactory()
    m1 = MilestoneFactory(milestone_set=program.milestone_set, competency=competency, subcompetency_code="PC1",
                          title="History", display_order=1)
    m2 = MilestoneFactory(milestone_set=program.milestone_set, competency=competency, subcompetency_code="PC2",
                          title="Physical Examination", display_order=2)
    epa1 = EPAFactory(epa_set=program.epa_set, number=1)
    epa2 = EPAFactory(epa_set=program.epa_set, number=2)
    EvidenceMapping.objects.create(program=program, epa=epa1, milestone=m1, weight=Decimal("1"))
    EvidenceMapping.objects.create(program=program, epa=epa2, milestone=m1, weight=Decimal("2"))
    year = AcademicYearFactory(program=program)
    coordinator = UserFactory(company=program.company, first_name="Carla", last_name="Coordinator")
    MembershipFactory(user=coordinator, role=Role.COORDINATOR, program=program)
    chair = FacultyFactory(program=program, user__first_name="Chris", user__last_name="Chair",
                           user__email="chris.chair@northwind.example").user
    faculty = [FacultyFactory(program=program, user__first_name=name, user__last_name="Faculty").user
               for name in ("Fay", "Finn", "Flo")]
    residents = [LearnerFactory(program=program, pgy_level=pgy, user__first_name=name, user__last_name="Resident",
                                user__email=f"{name.lower()}.resident@northwind.example")
                 for name, pgy in (("Ana", 1), ("Ben", 2), ("Cleo", 3))]
    return {"program": program, "year": year, "coordinator": coordinator, "chair": chair, "faculty": faculty,
            "residents": residents, "milestones": [m1, m2], "epas": [epa1, epa2]}


@pytest.fixture
def meeting(committee):
    return make_meeting(committee)


def make_meeting(committee, *, residents=None, date=datetime.date(2026, 12, 10)):
    return services.meeting_create(
        actor=committee["coordinator"], program=committee["program"], academic_year=committee["year"],
        period=Period.MID_YEAR, date=date, chair=committee["chair"],
        member_ids=[u.pk for u in committee["faculty"]],
        learner_ids=[r.pk for r in (residents or committee["residents"])])


def review_all(committee, meeting, **extra):
    for learner in committee["residents"]:
        services.review_record(actor=committee["chair"], meeting=meeting, learner=learner,
                               overall_performance="as_expected", promotion_recommendation="promote",
                               strengths="Kind with patients", areas_for_improvement="Read more",
                               discussion_notes="Secret committee talk", **extra)
