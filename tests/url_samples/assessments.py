from apps.assessments.signing import request_link_token
from apps.tenants.roles import Role
from tests.factories import (
    AssessmentRequestFactory,
    EPAAssessmentFactory,
    FacultyFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    SponsorFactory,
)


def build(world):
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=world["company"]),
                             name="Northwind Assessed Program")
    learner = LearnerFactory(program=program, user__first_name="Nellie", user__last_name="Northwindlearner")
    faculty = FacultyFactory(program=program, user__first_name="Fergus", user__last_name="Northwindfaculty")
    world["assessment"] = EPAAssessmentFactory(learner=learner, assessor=faculty.user,
                                               narrative_feedback="Northwind secret narrative")
    world["deleted_assessment"] = EPAAssessmentFactory(learner=learner, assessor=faculty.user)
    world["assessment_request"] = AssessmentRequestFactory(learner=learner, assessor=faculty.user,
                                                           note="Northwind secret request")
    world["markers"] += ["Northwindlearner", "Northwindfaculty", "Northwind secret narrative",
                         "Northwind secret request", "Northwind Assessed Program"]


def grant_home_roles(user):
    """Charlie assesses, learns and coordinates in a Southbay program of his own."""
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=user.company),
                             name="Southbay Assessment Program")
    for role in (Role.FACULTY, Role.COORDINATOR, Role.PROGRAM_DIRECTOR):
        MembershipFactory(user=user, role=role, program=program)
    LearnerFactory(program=program, user=user)  # also makes him a resident there


# assessments:entrustment_levels takes its EPA as ?epa= (no path argument): the walk checks that it
# shows nothing of Northwind, and tests/assessments/test_entrustment_levels.py that Charlie asking
# for a Northwind EPA gets 404.
SAMPLES = {
    "assessments:detail": lambda w: {"assessment_id": w["assessment"].pk},
    "assessments:acknowledge": lambda w: {"assessment_id": w["assessment"].pk},
    "assessments:edit": lambda w: {"assessment_id": w["assessment"].pk},
    "assessments:delete": lambda w: {"assessment_id": w["assessment"].pk},
    "assessments:restore": lambda w: {"assessment_id": w["deleted_assessment"].pk},
    "assessments:request_detail": lambda w: {"request_id": w["assessment_request"].pk},
    # A valid Northwind token: the link authorizes its own assessor only, so Charlie gets 404.
    "assessments:link": lambda w: {"token": request_link_token(w["assessment_request"])},
    "epa-assessment-detail": lambda w: {"pk": w["assessment"].pk},
    "epa-assessment-acknowledge": lambda w: {"pk": w["assessment"].pk},
    "assessment-request-detail": lambda w: {"pk": w["assessment_request"].pk},
    "assessments:request_decline": lambda w: {"request_id": w["assessment_request"].pk},
    "assessments:request_cancel": lambda w: {"request_id": w["assessment_request"].pk},
}
