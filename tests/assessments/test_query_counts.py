"""Query counts of the assessment pages people open all day: at most 12 (counted by the test
client, so including the session read and save) and the same however many options there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AssessmentRequestFactory,
    CaseTypeFactory,
    EPAAssessmentFactory,
    EPAFactory,
    FeedbackTagFactory,
    LearnerFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def _grow_form_options(surgery, count):
    """``count`` more of everything the form offers: learners, EPAs, case types, tags, sites."""
    program = surgery["program"]
    for n in range(count):
        epa = EPAFactory(epa_set=program.epa_set, short_name=f"Extra EPA {n}")
        CaseTypeFactory(epa=epa, name=f"Extra case {n}")
        FeedbackTagFactory(name=f"Extra strength {n}")
        FeedbackTagFactory(name=f"Extra weakness {n}", category="area_for_improvement")
        LearnerFactory(program=program, user__last_name=f"Extra{n}")
        SiteFactory(institution=surgery["site"].institution, name=f"Extra site {n}")


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_faith_opens_the_form_in_twelve_queries_however_many_learners_and_epas(client, surgery,
                                                                               django_assert_num_queries):
    client.force_login(surgery["faith"])
    url = reverse("assessments:new")
    client.get(url)  # the first visit stores the CSRF token; count a normal, second visit
    small, _ = _count(client, url)
    assert small <= 12

    _grow_form_options(surgery, 18)  # 2 → 20 of each
    with django_assert_num_queries(small):
        response = client.get(url)
    page = response.content.decode()
    assert "Extra EPA 17" in page and "Extra case 17 (EPA" in page and "Extra17" in page
    assert page.count("Extra strength 17") == 1 and page.count("Extra weakness 17") == 1  # each in its own group


def test_faith_gets_the_levels_of_the_epa_she_chose_without_extra_queries(client, surgery, django_assert_num_queries):
    client.force_login(surgery["faith"])
    url = reverse("assessments:new")
    client.get(url)
    plain, _ = _count(client, url)
    with django_assert_num_queries(plain):
        response = client.get(url, {"epa": surgery["other_epa"].pk})
    levels = surgery["program"].epa_set.scale.levels.order_by("number")
    assert levels.exists()
    for level in levels:
        assert f"{level.number} — {level.label}" in response.content.decode()


@pytest.mark.parametrize("url_name,who", [("assessments:index", "faith"), ("assessments:mine", "riley"),
                                          ("assessments:board", "cora")])
def test_to_do_my_assessments_and_the_board_stay_within_twelve_queries(client, surgery, django_assert_num_queries,
                                                                       url_name, who):
    user = surgery["riley"].user if who == "riley" else surgery[who]
    client.force_login(user)

    def grow(count):
        for _ in range(count):
            EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])
            AssessmentRequestFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"])

    grow(2)
    client.get(reverse(url_name))
    small, _ = _count(client, reverse(url_name))
    assert small <= 12
    grow(18)
    with django_assert_num_queries(small):
        assert client.get(reverse(url_name)).status_code == 200
