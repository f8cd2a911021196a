"""Riley's "My assessments" (issue 11, item 12): 25 a page, paged in SQL (the same number of
queries for 5 or 60 assessments), and one card per assessment on a phone."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import EPAAssessmentFactory

pytestmark = pytest.mark.django_db


def _assess(surgery, count, start=0):
    for n in range(start, start + count):
        EPAAssessmentFactory(learner=surgery["riley"], assessor=surgery["faith"], epa=surgery["epa"],
                             assessment_date=timezone.localdate() - datetime.timedelta(days=n))


def _rows(response) -> int:
    return len(re.findall(r'<span class="cell-label" aria-hidden="true">Date</span>', response.content.decode()))


def test_riley_pages_through_sixty_assessments_twenty_five_at_a_time(client, surgery):
    _assess(surgery, 60)
    client.force_login(surgery["riley"].user)
    url = reverse("assessments:mine")
    first = client.get(url)
    assert _rows(first) == 25 and "Page 1 of 3" in first.content.decode() and "Received <small>(60)" in (
        first.content.decode())
    assert 'href="?page=2" rel="next"' in first.content.decode()
    newest = (timezone.localdate()).isoformat()
    assert first.context["assessments"][0].assessment_date.isoformat() == newest
    last = client.get(url, {"page": 3})
    assert _rows(last) == 10 and "Page 3 of 3" in last.content.decode()
    assert _rows(client.get(url, {"page": "abc"})) == 25  # a bad page number shows the first page
    assert _rows(client.get(url, {"page": 99})) == 10  # past the end: the last page


def test_my_assessments_costs_the_same_queries_for_five_or_sixty(client, surgery, django_assert_num_queries):
    _assess(surgery, 5)
    client.force_login(surgery["riley"].user)
    url = reverse("assessments:mine")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert _rows(client.get(url)) == 5
    _assess(surgery, 55, start=5)
    with django_assert_num_queries(len(few.captured_queries)) as many:
        response = client.get(url)
    assert _rows(response) == 25
    assert any("LIMIT 25" in query["sql"] for query in many.captured_queries), "paged in SQL"


def test_on_a_phone_each_assessment_is_a_card_with_labelled_fields(client, surgery):
    _assess(surgery, 1)
    client.force_login(surgery["riley"].user)
    page = client.get(reverse("assessments:mine")).content.decode()
    assert '<table class="cards-on-phone" role="table">' in page and '<tr role="row">' in page
    for label in ("Date", "EPA", "Level", "Assessor", "Read"):
        assert f'<span class="cell-label" aria-hidden="true">{label}</span>' in page
    css = (Path(settings.BASE_DIR) / "static/css/assessments.css").read_text()
    phone = css[css.index("@media (max-width: 37.5rem)"):]
    assert ".cards-on-phone tr" in phone and ".cards-on-phone .cell-label { display: inline-block" in phone and "display: grid" in phone
