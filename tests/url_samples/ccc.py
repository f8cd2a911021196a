import datetime

from apps.ccc import services
from apps.ccc.models import EvidenceMapping, PacketJob, Period
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
    SponsorFactory,
    UserFactory,
)


def _committee(company, name, chair_user=None):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=company), name=name)
    program.milestone_set = MilestoneSetFactory(specialty=program.specialty)
    program.save()
    milestone = MilestoneFactory(milestone_set=program.milestone_set, competency=CompetencyFactory(),
                                 subcompetency_code="PC1", title="History")
    epa = EPAFactory(epa_set=program.epa_set)
    EvidenceMapping.objects.create(program=program, epa=epa, milestone=milestone)
    year = AcademicYearFactory(program=program)
    coordinator = UserFactory(company=company)
    MembershipFactory(user=coordinator, role=Role.COORDINATOR, program=program)
    chair = chair_user or FacultyFactory(program=program).user
    if chair_user is not None:
        FacultyFactory(program=program, user=chair_user)
    members = [FacultyFactory(program=program).user.pk for _ in range(2)]
    return program, year, coordinator, chair, members, milestone, epa


def build(world):
    program, year, coordinator, chair, members, milestone, epa = _committee(world["company"], "Northwind CCC Program")
    learner = LearnerFactory(program=program, user__first_name="Nora", user__last_name="Northwindccc")
    meeting = services.meeting_create(actor=coordinator, program=program, academic_year=year, period=Period.MID_YEAR,
                                      date=datetime.date(2026, 12, 10), chair=chair, member_ids=members,
                                      learner_ids=[learner.pk])
    services.meeting_start(actor=chair, meeting=meeting)
    review = services.review_record(actor=chair, meeting=meeting, learner=learner, overall_performance="as_expected",
                                    promotion_recommendation="promote", strengths="Northwind secret strength",
                                    discussion_notes="Northwind secret discussion", levels={milestone.pk: ("3", "")})
    level = meeting.milestone_assessments.get()
    job = PacketJob.objects.create(meeting=meeting, requested_by=chair, total=1)
    world.update(ccc_program=program, ccc_year=year, ccc_meeting=meeting, ccc_learner=learner, ccc_review=review,
                 ccc_level=level, ccc_job=job, ccc_milestone=milestone, ccc_epa=epa, ccc_chair=chair)
    world["markers"] += ["Northwindccc", "Northwind secret strength", "Northwind secret discussion",
                         "Northwind CCC Program"]


def grant_home_roles(user):
    """Charlie coordinates, chairs and sits on a Southbay committee; he is also a resident there."""
    program, year, coordinator, chair, members, milestone, epa = _committee(user.company, "Southbay CCC Program",
                                                                            chair_user=user)
    MembershipFactory(user=user, role=Role.COORDINATOR, program=program)
    LearnerFactory(program=program, user=user)


def build_own(own, user):
    """A meeting Charlie chairs (in progress) in his own Southbay program."""
    from apps.academics.models import AcademicYear, Faculty, Learner, Program

    program = Program.objects.for_company(user.company).get(name="Southbay CCC Program")
    year = AcademicYear.objects.for_company(user.company).get(program=program)
    members = list(Faculty.objects.for_company(user.company).filter(program=program).values_list("user_id", flat=True))
    learner = Learner.objects.for_company(user.company).get(program=program, user=user)
    meeting = services.meeting_create(actor=user, program=program, academic_year=year, period=Period.MID_YEAR,
                                      date=datetime.date(2026, 12, 11), chair=user, member_ids=members,
                                      learner_ids=[learner.pk])
    services.meeting_start(actor=user, meeting=meeting)
    own["ccc_meeting"] = meeting
    own["ccc_learner"] = learner


def _meeting(w):
    return {"meeting_id": w["ccc_meeting"].pk}


def _program(w):
    return {"program_id": w["ccc_program"].pk}


def _nw_review(w):
    """A review of Northwind's resident at Northwind's meeting with Northwind's subcompetency."""
    return {"meeting": str(w["ccc_meeting"].pk), "learner": str(w["ccc_learner"].pk),
            "overall_performance": "above", "promotion_recommendation": "promote",
            "levels": [{"milestone": w["ccc_milestone"].pk, "level": "4"}]}


def _nw_review_form(w):
    return {"overall_performance": "above", "promotion_recommendation": "promote",
            f"level_{w['ccc_milestone'].pk}": "4"}


def _nw_meeting(w):
    return {"program": str(w["ccc_program"].pk), "academic_year": str(w["ccc_year"].pk), "period": "mid_year",
            "date": "2026-12-12", "chair": str(w["ccc_chair"].pk), "members": [str(w["ccc_chair"].pk)],
            "residents": [str(w["ccc_learner"].pk)]}


def _nw_meeting_form(w):
    return {"academic_year": str(w["ccc_year"].pk), "period": "mid_year", "date": "2026-12-12",
            "chair": str(w["ccc_chair"].pk), "members": [str(w["ccc_chair"].pk)],
            "learners": [str(w["ccc_learner"].pk)], "submission_key": "5b0c4a3e-0000-4000-8000-0000000000cc"}


SAMPLES = {
    "ccc:my_review": lambda w: {"review_id": w["ccc_review"].pk},
    "ccc:meeting_new": _program,
    "ccc:mapping": _program,
    "ccc:report": _program,
    "ccc:report_csv": _program,
    "ccc:report_pdf": _program,
    "ccc:report_mark_reported": _program,
    "ccc:meeting": _meeting,
    "ccc:meeting_start": _meeting,
    "ccc:meeting_attendance": _meeting,
    "ccc:meeting_complete": _meeting,
    "ccc:packets_start": _meeting,
    "ccc:resident": lambda w: {"meeting_id": w["ccc_meeting"].pk, "learner_id": w["ccc_learner"].pk},
    "ccc:job_status": lambda w: {"job_id": w["ccc_job"].pk},
    "ccc:job_download": lambda w: {"job_id": w["ccc_job"].pk},
    "ccc-meeting-detail": lambda w: {"pk": w["ccc_meeting"].pk},
    "ccc-meeting-start": lambda w: {"pk": w["ccc_meeting"].pk},
    "ccc-meeting-complete": lambda w: {"pk": w["ccc_meeting"].pk},
    "ccc-meeting-packet": lambda w: {"pk": w["ccc_meeting"].pk, "learner_id": w["ccc_learner"].pk},
    "ccc-review-detail": lambda w: {"pk": w["ccc_review"].pk},
    "ccc-milestone-assessment-detail": lambda w: {"pk": w["ccc_level"].pk},
}
QUERIES = {
    # Filters and report choices with Northwind's ids: ignored or empty for Charlie (200) or 404.
    "ccc-meeting-list": lambda w: {"program": str(w["ccc_program"].pk)},
    "ccc-review-list": lambda w: {"meeting": str(w["ccc_meeting"].pk)},
    "ccc-milestone-assessment-list": lambda w: {"learner": str(w["ccc_learner"].pk)},
}
BODIES = {
    "ccc:meeting_new": _nw_meeting_form,  # Northwind's year/faculty/resident: invalid choices (400)
    "ccc:meeting_attendance": lambda w: {"attended": [str(w["ccc_chair"].pk)]},
    "ccc:meeting_complete": lambda w: {"minutes": "walk"},
    "ccc:mapping": lambda w: {f"w_{w['ccc_epa'].pk}_{w['ccc_milestone'].pk}": "2"},  # not his program's pair
    "ccc:report_mark_reported": lambda w: {"academic_year": str(w["ccc_year"].pk), "period": "mid_year"},
    "ccc:resident": _nw_review_form,
    "ccc-meeting-list": _nw_meeting,  # Northwind's program: 400
    "ccc-review-list": _nw_review,  # Northwind's meeting: 400
    "ccc-meeting-complete": lambda w: {"minutes": "walk"},
    "ccc-milestone-assessment-detail": lambda w: {"level": "5", "reason": "walk"},
}
NO_BODY = {
    "ccc:index": "read-only page",
    "ccc:my_reviews": "read-only page",
    "ccc:my_review": "read-only page",
    "ccc:meeting": "read-only page",
    "ccc:meeting_start": "the meeting is the path argument; no input",
    "ccc:packets_start": "the meeting is the path argument; no input",
    "ccc:report": "read-only page (?year=&period=)",
    "ccc:report_csv": "export",
    "ccc:report_pdf": "export",
    "ccc:job_status": "read-only htmx fragment",
    "ccc:job_download": "download",
    "ccc-meeting-detail": "read-only API",
    "ccc-meeting-start": "the meeting is the path argument; no input",
    "ccc-meeting-packet": "read-only API",
    "ccc-review-detail": "read-only API",
    "ccc-milestone-assessment-list": "read-only API",
}
OWN_SAMPLES = {
    # His own meeting (he chairs it, in progress), posted with Northwind's subcompetency: ignored/400.
    "ccc:resident": lambda own: {"meeting_id": own["ccc_meeting"].pk, "learner_id": own["ccc_learner"].pk},
    "ccc:meeting_attendance": lambda own: {"meeting_id": own["ccc_meeting"].pk},
}
