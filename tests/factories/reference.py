import datetime

import factory

from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)
from apps.tenants.models import User

__all__ = ["SpecialtyFactory", "CompetencyFactory", "ScaleFactory", "LevelFactory", "EPASetFactory", "EPAFactory",
           "MilestoneSetFactory", "MilestoneFactory", "CaseTypeFactory", "FeedbackTagFactory", "scale_with_levels",
           "SuperuserFactory"]


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ["code"]

    code = "general_surgery"
    name = "General Surgery"
    category = Specialty.Category.SURGICAL


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ["code"]

    code = "patient_care"
    name = "Patient Care"
    abbreviation = "PC"


class ScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntrustmentScale
        django_get_or_create = ["code"]

    code = "test_4_level"
    name = "Test 4-level scale"


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntrustmentLevel

    scale = factory.SubFactory(ScaleFactory)
    number = factory.Sequence(lambda n: n % 4 + 1)
    label = factory.LazyAttribute(lambda o: f"Level {o.number}")


def scale_with_levels(levels=4, code="test_4_level"):
    scale = ScaleFactory(code=code)
    for number in range(1, levels + 1):
        EntrustmentLevel.objects.get_or_create(scale=scale, number=number,
                                               defaults={"label": f"Level {number}",
                                                         "descriptor": f"Descriptor {number}"})
    return scale


class EPASetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPASet

    specialty = factory.SubFactory(SpecialtyFactory)
    version = factory.Sequence(lambda n: f"v{n}")
    name = "General Surgery EPAs"
    effective_date = datetime.date(2023, 7, 1)
    scale = factory.LazyFunction(scale_with_levels)


class EPAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPA

    epa_set = factory.SubFactory(EPASetFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"EPA number {o.number}")
    short_name = factory.LazyAttribute(lambda o: f"EPA {o.number}")
    display_order = factory.SelfAttribute("number")


class MilestoneSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneSet

    specialty = factory.SubFactory(SpecialtyFactory)
    version = factory.Sequence(lambda n: f"m{n}")
    name = "General Surgery Milestones"
    effective_date = datetime.date(2020, 7, 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    milestone_set = factory.SubFactory(MilestoneSetFactory)
    competency = factory.SubFactory(CompetencyFactory)
    subcompetency_code = factory.Sequence(lambda n: f"PC{n + 1}")
    title = factory.Sequence(lambda n: f"Subcompetency {n}")


class CaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseType

    epa = factory.SubFactory(EPAFactory)
    code = factory.Sequence(lambda n: f"CASE_{n}")
    name = factory.Sequence(lambda n: f"Operation {n}")
    company = None


class FeedbackTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackTag

    category = FeedbackTag.Category.STRENGTH
    name = factory.Sequence(lambda n: f"Tag {n}")
    company = None


class SuperuserFactory(factory.django.DjangoModelFactory):
    """A platform superuser: no company, curates the shared reference library in the admin."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    company = None
    email = factory.Sequence(lambda n: f"curator{n}@rounds.example")
    is_staff = True
    is_superuser = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])
