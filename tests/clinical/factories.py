"""Clinical factories: every row takes its company from its patient/site (pass them)."""

import datetime

import factory

from apps.clinical.models import Allergy, Case, MrnSequence, Note, NoteRevision, Patient, Problem, Visit, VitalSigns
from tests.factories import SiteFactory, UserFactory


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    home_site = factory.SubFactory(SiteFactory)
    company = factory.SelfAttribute("home_site.company")
    mrn = factory.Sequence(lambda n: f"T-{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1970, 5, 17)
    sex = Patient.Sex.FEMALE
    phone = factory.Sequence(lambda n: f"555-01{n % 100:02d}")


class AllergyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allergy

    patient = factory.SubFactory(PatientFactory)
    company = factory.SelfAttribute("patient.company")
    recorded_by = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..company"))
    substance = "Penicillin"
    reaction = "Hives"
    severity = Allergy.Severity.MODERATE


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    patient = factory.SubFactory(PatientFactory)
    company = factory.SelfAttribute("patient.company")
    recorded_by = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..company"))
    description = "Hypertension"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    company = factory.SelfAttribute("patient.company")
    title = "Low back pain"
    responsible_practitioner = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..company"))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    company = factory.SelfAttribute("case.company")
    site = factory.SelfAttribute("case.patient.home_site")
    practitioner = factory.SelfAttribute("case.responsible_practitioner")
    reason = "Follow-up"


class NoteFactory(factory.django.DjangoModelFactory):
    """A draft with one revision."""

    class Meta:
        model = Note
        skip_postgeneration_save = True

    visit = factory.SubFactory(VisitFactory)
    company = factory.SelfAttribute("visit.company")
    author = factory.SelfAttribute("visit.practitioner")
    current_version = 1

    @factory.post_generation
    def revision(obj, create, extracted, **kwargs):
        if create:
            NoteRevision.objects.create(note=obj, company=obj.company, version=1, author=obj.author,
                                        content=extracted or {"subjective": "Pain for two weeks", "objective": "",
                                                              "assessment": "", "plan": "Exercises"})


class VitalSignsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VitalSigns

    patient = factory.SubFactory(PatientFactory)
    company = factory.SelfAttribute("patient.company")
    site = factory.SelfAttribute("patient.home_site")
    recorded_by = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..company"))
    pulse = 72


class MrnSequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MrnSequence
