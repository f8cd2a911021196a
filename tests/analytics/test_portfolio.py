"""Colin (coordinator) opens Rachel's portfolio from the roster and her person page: her
assessments filtered by EPA, rotation, assessor and date, her progress, coverage, requests and
schedule — under the one learner rule (apps.academics.access.get_learner_for_user)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.analytics.services import analytics_refresh
from apps.audit.models import AccessLog
from tests.analytics.factories import AnalyticsAssessmentFactory, AnalyticsRequestFactory, make_faculty, make_learner
from tests.factories import AssignmentFactory, RotationTypeFactory

pytestmark = pytest.mark.django_db


def _portfolio(learner):
    return reverse("analytics_learner_portfolio", args=[learner.pk])


@pytest.fixture
def story(program, rachel, faith, epas):
    """Rachel: two EPAs, two rotations, two assessors over three months, one open request."""
    today = timezone.localdate()
    acs = RotationTypeFactory(program=program, name="Acute Care Surgery", code="ACS")
    tra = RotationTypeFactory(program=program, name="Trauma", code="TRA")
    on_acs = AssignmentFactory(learner=rachel, rotation_type=acs, start_date=today - datetime.timedelta(days=90),
                               end_date=today - datetime.timedelta(days=31))
    on_tra = AssignmentFactory(learner=rachel, rotation_type=tra, start_date=today - datetime.timedelta(days=30),
                               end_date=today + datetime.timedelta(days=30))
    omar = make_faculty(program=program, user__first_name="Omar", user__last_name="Okafor").user
    AnalyticsAssessmentFactory(learner=rachel, assessor=faith, epa=epas[0], rotation_assignment=on_acs,
                               assessment_date=today - datetime.timedelta(days=80), entrustment_level=2)
    AnalyticsAssessmentFactory(learner=rachel, assessor=omar, epa=epas[1], rotation_assignment=on_tra,
                               assessment_date=today - datetime.timedelta(days=10), entrustment_level=3)
    AnalyticsRequestFactory(learner=rachel, assessor=omar, epa=epas[2])
    analytics_refresh(concurrently=False)
    return {"acs": acs, "tra": tra, "omar": omar}


def test_colin_reaches_rachels_portfolio_from_the_roster_and_her_person_page(client, program, rachel, colin, story):
    client.force_login(colin)
    roster = client.get(f"/programs/{program.pk}/roster/").content.decode()
    person = client.get(f"/programs/{program.pk}/people/{rachel.user_id}/").content.decode()
    assert _portfolio(rachel) in roster and _portfolio(rachel) in person
    page = client.get(_portfolio(rachel)).content.decode()
    assert "Portfolio of Rachel Resident" in page and "2 assessments" in page
    assert "Northwind EPA 1" in page and "Northwind EPA 2" in page  # progress and assessments
    assert "Acute Care Surgery" in page and "Trauma" in page          # assessments and schedule
    assert "Omar Okafor" in page and "Open" in page                    # the open request
    assert AccessLog.objects.for_company(program.company).filter(actor=colin, entity_id=str(rachel.pk)).exists()


def test_the_filters_narrow_the_assessments_by_epa_rotation_assessor_and_date(client, rachel, colin, epas, story):
    client.force_login(colin)

    def count(**params):
        body = client.get(_portfolio(rachel), params).content.decode()
        return int(body.split(" assessment")[0].rsplit("<p>", 1)[1])

    today = timezone.localdate()
    assert count() == 2
    assert count(epa=epas[0].pk) == 1
    assert count(rotation=story["tra"].pk) == 1
    assert count(assessor=story["omar"].pk) == 1
    assert count(date_from=(today - datetime.timedelta(days=30)).isoformat()) == 1
    assert count(date_to=(today - datetime.timedelta(days=30)).isoformat(), epa=epas[1].pk) == 0


def test_rachel_and_faith_may_open_it_and_a_classmate_and_charlie_from_southbay_get_404(
        client, program, rachel, faith, southbay_learner, story):
    for viewer in (rachel.user, faith):
        client.force_login(viewer)
        assert client.get(_portfolio(rachel)).status_code == 200
    client.force_login(make_learner(program=program).user)
    assert client.get(_portfolio(rachel)).status_code == 404
    client.force_login(southbay_learner.user)
    assert client.get(_portfolio(rachel)).status_code == 404


def test_the_portfolio_reads_in_the_same_number_of_queries_for_2_or_40_assessments(
        client, django_assert_num_queries, rachel, faith, colin, epas, story):
    client.force_login(colin)
    client.get(_portfolio(rachel))  # warm-up: the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(_portfolio(rachel)).status_code == 200
    assert len(small.captured_queries) <= 20
    for n in range(38):
        AnalyticsAssessmentFactory(learner=rachel, assessor=make_faculty(program=rachel.program).user,
                                   epa=epas[n % 3], assessment_date=timezone.localdate() - datetime.timedelta(days=n))
        AnalyticsRequestFactory(learner=rachel, assessor=faith, epa=epas[n % 3])
    analytics_refresh(concurrently=False)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(_portfolio(rachel)).status_code == 200
