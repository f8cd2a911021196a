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
def build_own(own, user):
    """An assessment Charlie gave and a request made to him, in his own Southbay program."""
    from apps.academics.models import Program

    program = Program.objects.for_company(user.company).get(name="Southbay Assessment Program")
    learner = LearnerFactory(program=program)
    own["assessment"] = EPAAssessmentFactory(learner=learner, assessor=user)
    own["assessment_request"] = AssessmentRequestFactory(learner=learner, assessor=user, epa=own["assessment"].epa)


def _nw_assessment_form(w):
    """The assessment form filled with Northwind's learner, EPA, case type, site and private tags:
    every one an invalid choice for Charlie (form errors, 200; API: 400)."""
    assessment = w["assessment"]
    return {"submission_key": "5b0c4a3e-0000-4000-8000-000000000001",
            "learner": str(assessment.learner_id), "epa": assessment.epa_id, "entrustment_level": 3,
            "assessment_date": "2026-01-05", "case_type": w["private_case_type"].pk, "site": str(w["site"].pk),
            "tags_went_well": [w["private_tag"].pk], "tags_needs_work": [w["private_tag"].pk],
            "narrative_feedback": "walk"}


def _nw_request(w):
    """A request to a Northwind faculty member about a Northwind EPA: invalid choices (200; API: 400)."""
    request = w["assessment_request"]
    return {"submission_key": "5b0c4a3e-0000-4000-8000-000000000002", "epa": request.epa_id,
            "assessor": str(request.assessor_id), "case_date": "2026-01-05", "case_type": w["private_case_type"].pk,
            "learner": str(request.learner_id), "note": "walk"}


QUERIES = {
    # The form's learner search, prefill and EPA: Northwind's are not among Charlie's (200, ignored).
    "assessments:new": lambda w: {"q": "Nellie", "learner": str(w["assessment"].learner_id),
                                  "epa": w["assessment"].epa_id},
    "assessments:case_types": lambda w: {"epa": w["private_case_type"].epa_id},  # NW private types hidden (200)
    "assessments:entrustment_levels": lambda w: {"epa": w["assessment"].epa_id},  # not his EPA → 404
    "assessments:board": lambda w: {"program": w["assessment"].program_id},
    "assessments:mine": lambda w: {"learner": str(w["assessment"].learner_id)},
    "assessments:index": lambda w: {"assessor": str(w["assessment"].assessor_id)},
    # API filters: a Northwind learner or EPA filters Charlie's own assessments down to none (200).
    "epa-assessment-list": lambda w: {"learner": str(w["assessment"].learner_id), "epa": w["assessment"].epa_id},
    "assessment-request-list": lambda w: {"learner": str(w["assessment_request"].learner_id)},
}
BODIES = {
    "assessments:new": _nw_assessment_form,
    "assessments:edit": _nw_assessment_form,
    "assessments:link": _nw_assessment_form,
    "assessments:request_new": _nw_request,
    "assessments:delete": lambda w: {"reason": "walk", "assessment": str(w["assessment"].pk)},
    "assessments:restore": lambda w: {"reason": "walk", "assessment": str(w["deleted_assessment"].pk)},
    "epa-assessment-list": _nw_assessment_form,
    "assessment-request-list": _nw_request,
    # Decline takes a reason; the request is the path argument (Northwind's: 404).
    "assessments:request_decline": lambda w: {"reason": "walk", "request": str(w["assessment_request"].pk)},
}
NO_BODY = {
    "assessments:request_cancel": "the request is the path argument; no input",
    "assessments:index": "read-only page",
    "assessments:mine": "read-only list",
    "assessments:board": "read-only page",
    "assessments:case_types": "htmx options for ?epa= (QUERIES)",
    "assessments:entrustment_levels": "htmx radios for ?epa= (QUERIES)",
    "assessments:request_detail": "read-only page",
    "assessments:detail": "read-only page",
    "assessments:acknowledge": "the assessment is the path argument; no input",
    "epa-assessment-detail": "read-only API",
    "epa-assessment-acknowledge": "the assessment is the path argument; no input",
    "assessment-request-detail": "read-only API",
}
OWN_SAMPLES = {
    # His own assessment, edited with Northwind's case type, site and tags: invalid choices (200).
    "assessments:edit": lambda own: {"assessment_id": own["assessment"].pk},
    # The link of a request made to him, answered with Northwind's learner/EPA/site: invalid (200).
    "assessments:link": lambda own: {"token": request_link_token(own["assessment_request"])},
}

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
