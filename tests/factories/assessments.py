import datetime
import uuid

import factory
from django.utils import timezone

from apps.assessments.models import AssessmentRequest, EPAAssessment
from tests.factories.academics import LearnerFactory
from tests.factories.reference import EPAFactory
from tests.factories.tenants import UserFactory

__all__ = ["EPAAssessmentFactory", "AssessmentRequestFactory"]


class EPAAssessmentFactory(factory.django.DjangoModelFactory):
    """Writes the row directly (for list/query-count tests); stories go through the service."""

    class Meta:
        model = EPAAssessment

    learner = factory.SubFactory(LearnerFactory)
    company = factory.SelfAttribute("learner.company")
    assessor = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..learner.company"))
    epa = factory.SubFactory(EPAFactory, epa_set=factory.SelfAttribute("..learner.program.epa_set"))
    entrustment_level = 2
    assessment_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    submitted_at = factory.LazyFunction(timezone.now)
    submission_key = factory.LazyFunction(uuid.uuid4)
    narrative_feedback = "Good case."


class AssessmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentRequest

    learner = factory.SubFactory(LearnerFactory)
    company = factory.SelfAttribute("learner.company")
    assessor = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..learner.company"))
    epa = factory.SubFactory(EPAFactory, epa_set=factory.SelfAttribute("..learner.program.epa_set"))
    case_date = factory.LazyFunction(timezone.localdate)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
