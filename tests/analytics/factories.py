"""Analytics test helpers: assessments and requests written straight through the models
(the assessment workflow's own factories belong to tests/factories/assessments.py)."""

import datetime

import factory
from django.utils import timezone

from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.tenants.scoping import unscoped
from tests.factories import EPAFactory, FacultyFactory, LearnerFactory, UserFactory

__all__ = ["AnalyticsAssessmentFactory", "AnalyticsRequestFactory", "make_learner", "make_faculty"]


def make_learner(**kwargs):
    # LearnerFactory's membership get_or_create reads Membership without a tenant (shared factory).
    with unscoped("test setup: LearnerFactory membership"):
        return LearnerFactory(**kwargs)


def make_faculty(**kwargs):
    with unscoped("test setup: FacultyFactory membership"):
        return FacultyFactory(**kwargs)


class AnalyticsAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EPAAssessment

    learner = factory.LazyFunction(make_learner)
    company = factory.SelfAttribute("learner.company")
    assessor = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..learner.company"))
    epa = factory.SubFactory(EPAFactory, epa_set=factory.SelfAttribute("..learner.program.epa_set"))
    entrustment_level = 2
    assessment_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.assessment_date, datetime.time(18))))
    narrative_feedback = "Good."


class AnalyticsRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentRequest

    learner = factory.LazyFunction(make_learner)
    company = factory.SelfAttribute("learner.company")
    assessor = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..learner.company"))
    epa = factory.SubFactory(EPAFactory, epa_set=factory.SelfAttribute("..learner.program.epa_set"))
    case_date = factory.LazyFunction(timezone.localdate)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
