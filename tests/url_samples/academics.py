import datetime

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.academics import services
from apps.tenants.roles import Role
from tests.factories import (
    AcademicYearFactory,
    AssignmentFactory,
    BlockFactory,
    FacultyFactory,
    MembershipFactory,
    ProgramFactory,
    RotationTypeFactory,
    SponsorFactory,
    StudentFactory,
    UserFactory,
)


def build(world):
    sponsor = world.get("sponsor") or SponsorFactory(institution__company=world["company"])
    program = ProgramFactory(sponsor=sponsor, name="Northwind Secret Surgery Program")
    learner = StudentFactory(program=program, user__company=world["company"], user__first_name="Zebulon",
                             user__last_name="Northwindsecret")
    faculty = FacultyFactory(program=program, user__company=world["company"])
    year = AcademicYearFactory(program=program, name="Northwind Year 2026")
    block = BlockFactory(academic_year=year, number=1)
    rotation = RotationTypeFactory(program=program, name="Northwind Hidden Rotation", code="NWHID")
    assignment = AssignmentFactory(learner=learner, rotation_type=rotation, block=block,
                                   start_date=block.start_date, end_date=block.end_date)
    feed = services.calendar_feed_create(actor=learner.user)
    world.update(program=program, learner=learner, faculty=faculty, year=year, block=block, rotation=rotation,
                 assignment=assignment, feed=feed)
    world["markers"] += ["Northwind Secret Surgery Program", "Northwindsecret", "Northwind Hidden Rotation",
                         "Northwind Year 2026"]


def grant_home_roles(user):
    """Charlie coordinates and directs a Southbay program of his own."""
    program = ProgramFactory(sponsor=SponsorFactory(institution__company=user.company), name="Southbay Surgery")
    for role in (Role.COORDINATOR, Role.PROGRAM_DIRECTOR, Role.FACULTY):
        MembershipFactory(user=user, role=role, program=program)
    year = AcademicYearFactory(program=program, name="Southbay 2026", start_date=datetime.date(2026, 7, 1))
    BlockFactory(academic_year=year, number=1)
    StudentFactory(program=program, user=UserFactory(company=user.company))


def _program(w):
    return {"program_id": w["program"].pk}


def _year(w):
    return {"program_id": w["program"].pk, "year_id": w["year"].pk}


SAMPLES = {
    "academics:feed_revoke": lambda w: {"feed_id": w["feed"].pk},
    "academics:feed_ics": lambda w: {"token": w["feed"].token},
    "academics:program_detail": _program,
    "academics:roster": _program,
    "academics:export_roster": _program,
    "academics:person_detail": lambda w: {"program_id": w["program"].pk, "user_id": w["learner"].user_id},
    "academics:person_add": _program,
    "academics:person_edit": lambda w: {"program_id": w["program"].pk, "user_id": w["learner"].user_id},
    "academics:membership_end": lambda w: {"program_id": w["program"].pk, "user_id": w["faculty"].user_id},
    "academics:import": _program,
    "academics:import_confirm": _program,
    "academics:promotion": _program,
    "academics:year_list": _program,
    "academics:year_detail": _year,
    "academics:grid": _year,
    "academics:export_schedule": _year,
    "academics:grid_cell": lambda w: {**_year(w), "learner_id": w["learner"].pk, "block_id": w["block"].pk},
    # Registered here with the invitation e-mail that links to it (config/urls.py routes it to
    # apps.tenants.views.TenantPasswordResetConfirmView so the unscoped User lookup works).
    "password_reset_confirm": lambda w: {"uidb64": urlsafe_base64_encode(force_bytes(w["learner"].user_id)),
                                         "token": "set-password"},
    "academics-program-detail": lambda w: {"pk": w["program"].pk},
    "academics-learner-detail": lambda w: {"pk": w["learner"].pk},
    "academics-assignment-detail": lambda w: {"pk": w["assignment"].pk},
}


def build_own(own, user):
    from apps.academics.models import AcademicYear, Learner, Program

    program = Program.objects.for_company(user.company).get(name="Southbay Surgery")
    year = AcademicYear.objects.for_company(user.company).get(program=program)
    own.update(program=program, year=year, block=year.blocks.first(),
               learner=Learner.objects.for_company(user.company).filter(program=program).first())


def _own_program(own):
    return {"program_id": own["program"].pk}


def _own_year(own):
    return {"program_id": own["program"].pk, "year_id": own["year"].pk}


def _own_person(own):
    return {"program_id": own["program"].pk, "user_id": own["learner"].user_id}


def _nw_person(w):
    """Add person with the e-mail of a Northwind account: answered as for any unknown address (no
    Northwind name, no Northwind row touched); a Northwind program in the path: 404."""
    return {"email": w["learner"].user.email, "first_name": "Walk", "last_name": "Person", "roles": "resident",
            "key": "walk-person-add-key", "program": w["program"].pk, "user": w["learner"].user_id}


QUERIES = {
    # Roster filters are text/choices; a Northwind name or id finds nothing (200).
    "academics:roster": lambda w: {"q": "Zebulon", "track": str(w["program"].pk), "status": "active",
                                   "program": w["program"].pk},
    "academics:program_list": lambda w: {"program": w["program"].pk, "company": w["company"].pk},
    "academics:my_schedule": lambda w: {"program": w["program"].pk, "learner": w["learner"].pk},
    "academics:feeds": lambda w: {"program": w["program"].pk},
    "academics:grid": lambda w: {"learner": w["learner"].pk, "block": w["block"].pk},
    "academics:grid_cell": lambda w: {"show": "1"},
    "academics:export_roster": lambda w: {"format": "csv", "program": w["program"].pk},
    # API lists take no filters: a Northwind id in the query is ignored (200, own rows only).
    "academics-program-list": lambda w: {"program": w["program"].pk, "company": w["company"].pk},
    "academics-learner-list": lambda w: {"program": w["program"].pk, "user": w["learner"].user_id},
    "academics-assignment-list": lambda w: {"learner": w["learner"].pk, "program": w["program"].pk},
}
BODIES = {
    # A calendar feed for a Northwind program: 404 (the program is looked up among Charlie's).
    "academics:feeds": lambda w: {"program": w["program"].pk},
    "academics:person_add": _nw_person,
    # Learner details with Northwind ids beside them: the ids are not form fields (ignored, 302/200).
    "academics:person_edit": lambda w: {"first_name": "Walk", "last_name": "Learner", "status": "active",
                                        "program": w["program"].pk, "user": w["learner"].user_id},
    # A Northwind membership id: not one of this person's roles → 404.
    "academics:membership_end": lambda w: {"membership": w["learner"].user.memberships.first().pk,
                                           "ended_on": "2026-06-30"},
    # An import's kind without a file: a form error (200); a Northwind program in the path: 404.
    "academics:import": lambda w: {"kind": "roster", "program": w["program"].pk},
    # A token that is not the session's: refused (302 back to the upload with a message).
    "academics:import_confirm": lambda w: {"token": "not-the-session-token", "program": w["program"].pk},
    "academics:promotion": lambda w: {"graduation_date": "", "key": "walk-promotion", "program": w["program"].pk},
    "academics:year_list": lambda w: {"name": "", "start_date": "2026-07-01", "end_date": "2027-06-30",
                                      "program": w["program"].pk},
    "academics:year_detail": lambda w: {"pattern": "", "year": w["year"].pk},
    # A schedule cell with Northwind's rotation, site and supervisor: invalid choices (200).
    "academics:grid_cell": lambda w: {"rotation_type": w["rotation"].pk, "site": w["site"].pk,
                                      "supervisor": w["faculty"].pk, "learner": w["learner"].pk},
    # API create: a Northwind program is not among Charlie's managed ones → 400.
    "academics-learner-list": lambda w: {"program": str(w["program"].pk), "email": "walk.learner@southbay.example",
                                         "first_name": "Walk", "last_name": "Learner", "kind": "resident"},
    # API update (own learner): program is read-only on update → ignored (200).
    "academics-learner-detail": lambda w: {"program": str(w["program"].pk), "email": w["learner"].user.email,
                                           "first_name": "Walk", "last_name": "Learner", "pgy_level": 2},
    # API create: Northwind learner, rotation, site and supervisor → 400.
    "academics-assignment-list": lambda w: {"learner": str(w["learner"].pk), "rotation_type": str(w["rotation"].pk),
                                            "site": str(w["site"].pk), "primary_supervisor": str(w["faculty"].pk),
                                            "start_date": "2026-07-01", "end_date": "2026-07-28"},
}
NO_BODY = {
    "academics:program_list": "read-only list",
    "academics:my_schedule": "read-only page",
    "academics:feed_revoke": "the feed is the path argument; no input",
    "academics:feed_ics": "read-only calendar (GET only)",
    "academics:program_detail": "read-only page",
    "academics:roster": "read-only list (filters are QUERIES)",
    "academics:export_roster": "read-only export (GET only)",
    "academics:person_detail": "read-only page",
    "academics:grid": "read-only page (cells have their own route)",
    "academics:export_schedule": "read-only export (GET only)",
    "academics-program-list": "read-only API",
    "academics-program-detail": "read-only API",
    "academics-assignment-detail": "read-only API (assignments are created through the list route)",
}
OWN_SAMPLES = {
    "academics:person_add": _own_program,
    "academics:person_edit": _own_person,
    "academics:membership_end": _own_person,
    "academics:import": _own_program,
    "academics:year_list": _own_program,
    "academics:year_detail": _own_year,
    "academics:grid_cell": lambda own: {**_own_year(own), "learner_id": own["learner"].pk,
                                        "block_id": own["block"].pk},
    "academics-learner-detail": lambda own: {"pk": own["learner"].pk},
}
