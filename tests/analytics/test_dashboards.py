"""Rachel sees her own progress; Faith and Colin see their program's dashboard; nobody else does."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.analytics.services import analytics_refresh
from apps.tenants.roles import Role
from tests.analytics.factories import AnalyticsAssessmentFactory, make_faculty, make_learner
from tests.factories import AssignmentFactory, MembershipFactory, RotationTypeFactory

pytestmark = pytest.mark.django_db


def test_rachel_sees_her_new_assessment_after_the_refresh(client, rachel, assess):
    client.force_login(rachel.user)
    url = reverse("analytics_learner_progress", args=[rachel.pk])
    assert "Never assessed" in client.get(url).content.decode()

    assess(entrustment_level=3)
    analytics_refresh(concurrently=False)

    page = client.get(url).content.decode()
    assert "Never assessed" in page  # EPAs 2 and 3 still are
    assert "<td>1</td>" in page and "Figures as of" in page and "<svg" in page


def test_the_coverage_grid_highlights_a_primary_epa_never_assessed_on_its_rotation(client, rachel, faith, epas,
                                                                                    assess):
    clinic = RotationTypeFactory(program=rachel.program, code="CLIN")
    clinic.primary_epas.add(epas[1])
    assess(rotation_assignment=AssignmentFactory(learner=rachel, rotation_type=clinic), epa=epas[0])
    client.force_login(faith)

    page = client.get(reverse("analytics_learner_progress", args=[rachel.pk])).content.decode()

    assert '<td class="cell-covered">1</td>' in page
    assert '<td class="cell-gap">–</td>' in page


def test_faith_and_colin_see_the_program_dashboard_and_csv(client, program, rachel, faith, colin, assess):
    assess(narrative_feedback="n" * 120)
    analytics_refresh(concurrently=False)
    for person in (faith, colin):
        client.force_login(person)
        page = client.get(reverse("analytics_program_dashboard", args=[program.pk])).content.decode()
        assert "Faith Faculty" in page and "100%" in page and "Nobody is behind." in page
        csv = client.get(reverse("analytics_program_export", args=[program.pk, "faculty"]))
        assert csv["Content-Type"].startswith("text/csv")
        assert "Faith Faculty,1,1," in csv.content.decode()


def test_a_learner_without_recent_assessments_is_falling_behind(client, program, rachel, colin, assess):
    assess(assessment_date=timezone.localdate() - datetime.timedelta(days=90))
    analytics_refresh(concurrently=False)
    client.force_login(colin)

    csv = client.get(reverse("analytics_program_export", args=[program.pk, "behind"])).content.decode()

    assert "Rachel Resident,2,1," in csv and "no assessment in 60 days" in csv


def test_another_resident_of_the_program_cannot_see_rachels_progress_or_the_dashboard(client, program, rachel):
    peter = make_learner(program=program)
    client.force_login(peter.user)
    assert client.get(reverse("analytics_learner_progress", args=[rachel.pk])).status_code == 404
    assert client.get(reverse("analytics_program_dashboard", args=[program.pk])).status_code == 404
    assert client.get(reverse("analytics_program_export", args=[program.pk, "volume"])).status_code == 404


def test_charlie_from_southbay_gets_404_on_every_northwind_dashboard(client, program, rachel, southbay_learner,
                                                                     make_user):
    charlie = make_user(southbay_learner.company, Role.ORG_ADMIN)
    for role in (Role.PROGRAM_DIRECTOR, Role.FACULTY):
        MembershipFactory(user=charlie, role=role, program=southbay_learner.program)
    client.force_login(charlie)
    urls = [reverse("analytics_learner_progress", args=[rachel.pk]),
            reverse("analytics_program_dashboard", args=[program.pk]),
            *[reverse("analytics_program_export", args=[program.pk, t]) for t in ("volume", "faculty", "requests",
                                                                                    "behind")]]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_an_unknown_export_table_is_404(client, program, colin):
    client.force_login(colin)
    assert client.get(reverse("analytics_program_export", args=[program.pk, "salaries"])).status_code == 404


def _grow(program, rachel, faith, epas, learners):
    for n in range(learners):
        other = make_learner(program=program, pgy_level=1 + n % 3)
        for epa in epas:
            AnalyticsAssessmentFactory(learner=other, assessor=faith, epa=epa, entrustment_level=1 + n % 4)
            AnalyticsAssessmentFactory(learner=rachel, assessor=faith, epa=epa,
                                       assessment_date=timezone.localdate() - datetime.timedelta(days=40 * n))
    analytics_refresh(concurrently=False)


PAGES = ("analytics_program_dashboard", "analytics_learner_progress", "analytics_home")


@pytest.mark.parametrize("name", PAGES)
def test_page_query_counts_do_not_grow_with_the_data(client, django_assert_num_queries, program, rachel, faith,
                                                     colin, epas, name):
    """Counted by the test client inside a test transaction (so including the session save with its
    SAVEPOINT pair and whatever the shell adds): at most 12, and the same with six times the data."""
    RotationTypeFactory(program=program)
    args = {"analytics_program_dashboard": [program.pk], "analytics_learner_progress": [rachel.pk]}.get(name, [])
    client.force_login(colin)
    _grow(program, rachel, faith, epas, 1)
    client.get(reverse(name, args=args))  # warm-up: the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, args=args)).status_code == 200
    count = len(small.captured_queries)  # now: the connection's query log is a bounded deque that _grow fills
    assert count <= 12

    _grow(program, rachel, faith, epas, 6)
    client.get(reverse(name, args=args))  # warm-up again: the dashboard reads its month sections once per refresh
    with django_assert_num_queries(count):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_the_dashboard_csv_neutralises_a_formula_name_and_is_named_for_the_program(client, program, colin, epas):
    evil = make_learner(program=program, pgy_level=2, user__first_name="=cmd|' /C calc'!A0", user__last_name="X")
    AnalyticsAssessmentFactory(learner=evil, assessor=make_faculty(program=program).user, epa=epas[0],
                               assessment_date=timezone.localdate() - datetime.timedelta(days=90))
    analytics_refresh(concurrently=False)
    client.force_login(colin)
    response = client.get(reverse("analytics_program_export", args=[program.pk, "behind"]))
    body = response.content.decode()
    assert "'=cmd|' /C calc'!A0 X" in body and "\n=cmd" not in body
    assert response["Content-Disposition"] == (
        f'attachment; filename="northwind-general-surgery-behind-{timezone.localdate().isoformat()}.csv"')


def test_the_dashboard_labels_every_third_month_of_24_so_labels_never_overlap(client, program, rachel, faith, colin,
                                                                              epas):
    first = timezone.localdate().replace(day=15)
    for months_back in range(24):
        day = (first - datetime.timedelta(days=30.44 * months_back)).replace(day=15)
        AnalyticsAssessmentFactory(learner=rachel, assessor=faith, epa=epas[0], assessment_date=day)
    analytics_refresh(concurrently=False)
    client.force_login(colin)
    page = client.get(reverse("analytics_program_dashboard", args=[program.pk])).content.decode()
    chart = page.split('<svg class="chart"')[1].split("</svg>")[0]
    assert chart.count('class="chart-bar"') == 24
    labels = [float(x) for x in re.findall(r'<text class="chart-label" x="([\d.]+)"', chart)]
    assert len(labels) == 8 and min(b - a for a, b in zip(labels, labels[1:])) >= 64
