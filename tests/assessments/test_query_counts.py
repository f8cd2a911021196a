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


# Issue 19: the form's GET, counted by the test client with database sessions: the session, the
# user, their memberships, and one read of every list the form offers (EPAs with their levels and
# case types, learners, sites, tags: ``selectors.form_choices``). Was 7 with a read per list.
FORM_QUERIES = 4


def test_faith_opens_the_form_in_four_queries_however_many_learners_and_epas(client, surgery,
                                                                             django_assert_num_queries):
    client.force_login(surgery["faith"])
    url = reverse("assessments:new")
    client.get(url)  # the first visit stores the CSRF token; count a normal, second visit
    small, _ = _count(client, url)
    assert small == FORM_QUERIES

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


# Issue 19: the lean write path. Counted by the test client with database sessions, a case type and
# two tags posted: 11 = 1 session read + SAVEPOINT/RELEASE of the one write transaction (BEGIN/COMMIT
# outside the test's own transaction) + 8: the user, their memberships, the EPAs (with their levels
# and case types), the learner, the rotation on the case day, an open request it answers, and one
# execute of the INSERTs of the assessment, its history row, its audit row and its tag links. No
# look-up of the key first: its unique constraint turns a double submit into a replay
# (test_form.py). Tests run tasks eagerly after the commit; with a broker the learner's notification
# and the analytics refresh add one INSERT of both outbox rows inside the transaction and one UPDATE
# marking both after it (bench/NOTES.md, "Issue 19 part 1" and "Issue 19: education pages";
# tests/core/test_outbox.py): 12 in the bench (BEGIN/COMMIT, no tags posted).
POST_QUERIES = 11
POST_SESSION_QUERIES = 1


def _post_data(surgery, **overrides):
    import uuid

    from django.utils import timezone

    return {"submission_key": str(uuid.uuid4()), "learner": surgery["riley"].pk, "epa": surgery["epa"].pk,
            "entrustment_level": 3, "assessment_date": timezone.localdate().isoformat(),
            "case_type": surgery["case_type"].pk, "tags_went_well": [surgery["good_tag"].pk],
            "tags_needs_work": [surgery["work_tag"].pk], "narrative_feedback": "Safe and steady.",
            "patient_asa_class": 2, "procedure_minutes": 55, **overrides}


def test_faith_saves_an_assessment_in_eleven_queries_however_many_options_the_form_offers(
        client, surgery, django_assert_num_queries):
    from apps.assessments.models import EPAAssessment
    from apps.audit.models import AuditLog

    client.force_login(surgery["faith"])
    client.get(reverse("assessments:new"))  # the form first, as a person would open it
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("assessments:new"), _post_data(surgery))
    assert response.status_code == 302
    assert len(captured.captured_queries) == POST_QUERIES
    assert sum('"django_session"' in q["sql"] for q in captured.captured_queries) == POST_SESSION_QUERIES

    _grow_form_options(surgery, 18)  # 2 → 20 learners, EPAs, case types, tags, sites
    with django_assert_num_queries(POST_QUERIES):
        response = client.post(reverse("assessments:new"), _post_data(surgery, entrustment_level=4))
    assessment = EPAAssessment.objects.for_company(surgery["program"].company).get(entrustment_level=4)
    assert response.url == reverse("assessments:detail", args=[assessment.pk])
    assert assessment.case_type == surgery["case_type"] and assessment.program == surgery["program"]
    assert {(link.tag.name, link.tag_type) for link in assessment.tag_links.all()} == {
        ("Tissue handling", "went_well"), ("Efficiency", "needs_work")}
    assert assessment.history.count() == 1
    assert AuditLog.objects.unscoped().filter(action="assessment.submit", entity_id=str(assessment.pk)).count() == 1


def test_the_lean_path_still_refuses_what_the_rules_refuse(client, surgery):
    """Rows checked in memory instead of re-read: a level off the scale, another EPA's case type, a
    tag in the wrong group and an unknown tag are refused beside their fields, and nothing is saved."""
    from apps.assessments.models import EPAAssessment

    client.force_login(surgery["faith"])
    for field, overrides in [("entrustment_level", {"entrustment_level": 9}),
                             ("case_type", {"case_type": surgery["other_case_type"].pk}),
                             ("tags_went_well", {"tags_went_well": [surgery["work_tag"].pk]}),
                             ("tags_needs_work", {"tags_needs_work": [999999]}),
                             ("tags_went_well", {"tags_went_well": ["x"]})]:
        response = client.post(reverse("assessments:new"), _post_data(surgery, **overrides))
        assert response.status_code == 200, field
        assert field in response.context["form"].errors, (field, response.context["form"].errors)
    assert not EPAAssessment.objects.for_company(surgery["program"].company).exists()
