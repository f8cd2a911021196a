from apps.tenants.roles import Role
from tests.analytics.factories import AnalyticsAssessmentFactory, make_learner
from tests.factories import EPAFactory, MembershipFactory, ProgramFactory


def build(world):
    program = ProgramFactory(sponsor__institution__company=world["company"], name="Northwind Analytics Program")
    learner = make_learner(program=program, user__first_name="Nadia", user__last_name="Northwindanalytics")
    AnalyticsAssessmentFactory(learner=learner, epa=EPAFactory(epa_set=program.epa_set, short_name="NW-EPA-X"))
    world["analytics_program"] = program
    world["analytics_learner"] = learner
    world["markers"] += ["Northwind Analytics Program", "Northwindanalytics"]


def grant_home_roles(user):
    """Charlie directs and teaches in a Southbay program and is a resident there too."""
    program = ProgramFactory(sponsor__institution__company=user.company, name="Southbay Analytics Program")
    for role in (Role.PROGRAM_DIRECTOR, Role.COORDINATOR, Role.FACULTY):
        MembershipFactory(user=user, role=role, program=program)


SAMPLES = {
    "analytics_learner_progress": lambda w: {"learner_id": w["analytics_learner"].pk},
    "analytics_program_dashboard": lambda w: {"program_id": w["analytics_program"].pk},
    "analytics_program_export": lambda w: {"program_id": w["analytics_program"].pk, "table": "faculty"},
    "analytics_learner_portfolio": lambda w: {"learner_id": w["analytics_learner"].pk},
}


# Analytics pages read; a Northwind learner or program id in the query is ignored (200, own data).
QUERIES = {
    "analytics_home": lambda w: {"program": w["analytics_program"].pk, "learner": w["analytics_learner"].pk},
    "analytics_my_progress": lambda w: {"learner": w["analytics_learner"].pk, "epa": "1"},
}
NO_BODY = {
    "analytics_home": "read-only page",
    "analytics_my_progress": "read-only page",
    "analytics_learner_progress": "read-only page",
    "analytics_learner_portfolio": "read-only page (its filters are GET parameters)",
    "analytics_program_dashboard": "read-only page",
    "analytics_program_export": "read-only export",
}
