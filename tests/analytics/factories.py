"""Analytics test helpers: the shared assessment factories, with the one difference analytics
needs — a submission on the evening of the case day, so "days from case to submission" is known."""

import datetime

import factory
from django.utils import timezone

from tests.factories import AssessmentRequestFactory, EPAAssessmentFactory, FacultyFactory, LearnerFactory

__all__ = ["AnalyticsAssessmentFactory", "AnalyticsRequestFactory", "make_learner", "make_faculty"]

make_learner = LearnerFactory
make_faculty = FacultyFactory
AnalyticsRequestFactory = AssessmentRequestFactory


class AnalyticsAssessmentFactory(EPAAssessmentFactory):
    assessment_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime.combine(o.assessment_date, datetime.time(18))))
    narrative_feedback = "Good."
