import datetime

import factory

from apps.academics.models import (
    AcademicYear,
    Block,
    Faculty,
    Learner,
    Program,
    RotationAssignment,
    RotationType,
)
from apps.tenants.models import Membership
from apps.tenants.roles import Role
from tests.factories.reference import EPASetFactory, SpecialtyFactory
from tests.factories.tenants import SponsorFactory, UserFactory

__all__ = ["ProgramFactory", "LearnerFactory", "ResidentFactory", "StudentFactory", "FacultyFactory",
           "AcademicYearFactory", "BlockFactory", "RotationTypeFactory", "AssignmentFactory"]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    sponsor = factory.SubFactory(SponsorFactory)
    company = factory.SelfAttribute("sponsor.company")
    name = factory.Sequence(lambda n: f"General Surgery Residency {n}")
    specialty = factory.SubFactory(SpecialtyFactory)
    epa_set = factory.SubFactory(EPASetFactory)


class LearnerFactory(factory.django.DjangoModelFactory):
    """A learner plus the matching Membership (the role table access checks read)."""

    class Meta:
        model = Learner
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    company = factory.SelfAttribute("program.company")
    user = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..program.company"))
    kind = Learner.Kind.RESIDENT
    pgy_level = 1
    entry_pgy_level = 1
    matriculation_date = datetime.date(2025, 7, 1)

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            role = Role.RESIDENT if obj.kind == Learner.Kind.RESIDENT else Role.STUDENT
            Membership.objects.for_company(obj.company).get_or_create(user=obj.user, role=role, program=obj.program,
                                             defaults={"company": obj.company})


ResidentFactory = LearnerFactory


class StudentFactory(LearnerFactory):
    kind = Learner.Kind.STUDENT
    pgy_level = None
    entry_pgy_level = None
    class_year = 2027
    student_id = factory.Sequence(lambda n: f"S{n:05d}")


class FacultyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Faculty
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    company = factory.SelfAttribute("program.company")
    user = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..program.company"))
    rank = Faculty.Rank.ASSISTANT

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.for_company(obj.company).get_or_create(user=obj.user, role=Role.FACULTY, program=obj.program,
                                             defaults={"company": obj.company})


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    program = factory.SubFactory(ProgramFactory)
    company = factory.SelfAttribute("program.company")
    name = "2026-2027"
    start_date = datetime.date(2026, 7, 1)
    end_date = datetime.date(2027, 6, 30)
    is_current = True


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    academic_year = factory.SubFactory(AcademicYearFactory)
    company = factory.SelfAttribute("academic_year.company")
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Block {o.number}")
    start_date = factory.LazyAttribute(
        lambda o: o.academic_year.start_date + datetime.timedelta(days=28 * (o.number - 1)))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=27))


class RotationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationType

    program = factory.SubFactory(ProgramFactory)
    company = factory.SelfAttribute("program.company")
    name = factory.Sequence(lambda n: f"Rotation {n}")
    code = factory.Sequence(lambda n: f"R{n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationAssignment

    learner = factory.SubFactory(LearnerFactory)
    company = factory.SelfAttribute("learner.company")
    rotation_type = factory.SubFactory(RotationTypeFactory, program=factory.SelfAttribute("..learner.program"))
    start_date = datetime.date(2026, 7, 1)
    end_date = datetime.date(2026, 7, 28)
