import datetime

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.academics import services
from apps.tenants.roles import Role
from tests.factories import (
    AcademicYearFactory, AssignmentFactory, BlockFactory, FacultyFactory, MembershipFactory, ProgramFactory,
    RotationTypeFactory, SponsorFactory, StudentFactory, UserFactory,
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
