"""Issue 11, item 9: one progress page. The assessments-era address redirects to the analytics page,
and its chart's y axis follows the EPA set's entrustment scale (4 levels for the ABS scale, not 1–5)."""

import re

import pytest
from django.urls import reverse

from apps.analytics.services import analytics_refresh
from tests.analytics.factories import AnalyticsAssessmentFactory, make_faculty, make_learner
from tests.factories import EPAFactory, EPASetFactory, ProgramFactory
from tests.factories.reference import scale_with_levels

pytestmark = pytest.mark.django_db


def _ticks(page: str) -> list[str]:
    return re.findall(r'<text class="chart-tick"[^>]*>(\d+)</text>', page)


def _learner_on_scale(sponsor, *, levels, code):
    epa_set = EPASetFactory(scale=scale_with_levels(levels, code=code))
    program = ProgramFactory(sponsor=sponsor, epa_set=epa_set)
    learner = make_learner(program=program, user__first_name="Riley", user__last_name="Chen")
    faculty = make_faculty(program=program).user
    epa = EPAFactory(epa_set=epa_set)
    for level in (1, 2, 2):
        AnalyticsAssessmentFactory(learner=learner, assessor=faculty, epa=epa, entrustment_level=level)
    analytics_refresh(concurrently=False)
    return learner


def test_rileys_old_progress_address_lands_on_the_analytics_page_with_the_abs_scales_four_levels(client, sponsor):
    riley = _learner_on_scale(sponsor, levels=4, code="abs_4_level")
    client.force_login(riley.user)

    response = client.get("/assessments/progress/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("analytics_learner_progress", args=[riley.pk])
    assert _ticks(response.content.decode()) == ["1", "2", "3", "4"]


def test_the_progress_axis_grows_with_a_five_level_scale(client, sponsor):
    riley = _learner_on_scale(sponsor, levels=5, code="test_5_level")
    client.force_login(riley.user)

    page = client.get("/assessments/progress/", follow=True).content.decode()

    assert _ticks(page) == ["1", "2", "3", "4", "5"]
