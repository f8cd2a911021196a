"""Issue 19, learner progress: what the page computes once per process (formatted values, the chart's
drawing) is what it computed each time before, and follows the language, the settings and the data;
its rotation types are read per assessment, as the join read them."""

import datetime

import pytest
from django.template.defaultfilters import floatformat
from django.test import override_settings
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape

from apps.academics.models import RotationAssignment
from apps.analytics import selectors, tables
from apps.analytics.charts import trajectory_chart
from tests.analytics.factories import AnalyticsAssessmentFactory
from tests.factories import RotationTypeFactory

VALUES = [0.0, -0.0, 0.05, 0.15, 0.25, 1.0, 2.45, 2.5, -0.004, -1.235, 3.3333333, 12345.678, 1e-7, float("nan"), None, 3]
DAYS = [datetime.date(2025, 1, 2), datetime.date(2024, 12, 31), datetime.date(2026, 7, 14)]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_memoised_cells_are_what_the_filters_write_in_each_language(language):
    with translation.override(language):
        text, fixed = tables.formatters()
        for places in (1, 2):
            for value in VALUES:
                expected = conditional_escape(floatformat(value, places))
                assert tables.fixed(value, places) == expected, (value, places)
                assert fixed(value, places) == expected, (value, places)
        for value in [*DAYS, 7, 1234567, 2.5, "a & b", None]:
            assert tables.text(value) == conditional_escape(localize(value)), value
            assert text(value) == conditional_escape(localize(value)), value


def test_a_settings_change_forgets_the_memoised_cells():
    with translation.override("en"):
        before = tables.text(DAYS[0])
        with override_settings(FORMAT_MODULE_PATH="tests.analytics.no_such_formats", DATE_FORMAT="Y-m-d"):
            assert tables.text(DAYS[0]) == conditional_escape(localize(DAYS[0]))
        with override_settings(USE_THOUSAND_SEPARATOR=True, NUMBER_GROUPING=3):
            assert tables.fixed(12345.678, 1) == conditional_escape(floatformat(12345.678, 1))
            assert tables.text(1234567) == conditional_escape(localize(1234567))
        assert tables.text(DAYS[0]) == before


def test_the_chart_drawing_is_memoised_by_its_points_and_titled_per_request():
    points = [(DAYS[1], 2), (DAYS[0], 3), (DAYS[2], 4)]
    first = trajectory_chart(points, max_level=5, title="Entrustment levels of Rachel <R> over time")
    again = trajectory_chart(list(points), max_level=5, title="Entrustment levels of Riley over time")
    assert first.replace("Rachel &lt;R&gt;", "Riley") == again
    moved = trajectory_chart([*points[:2], (DAYS[2], 5)], max_level=5, title="Entrustment levels of Riley over time")
    assert moved != again  # an edited level is another drawing
    assert trajectory_chart(points, max_level=4, title="t") != trajectory_chart(points, max_level=5, title="t")
    assert "No assessments yet" in trajectory_chart([], max_level=5, title="t")


@pytest.mark.django_db
def test_each_point_carries_its_assignments_rotation_type(program, rachel, faith, epas):
    rotation = RotationTypeFactory(program=program)
    assignment = RotationAssignment.objects.create(learner=rachel, rotation_type=rotation, start_date=DAYS[1],
                                                   end_date=DAYS[0])
    AnalyticsAssessmentFactory(learner=rachel, assessor=faith, epa=epas[0], rotation_assignment=assignment)
    AnalyticsAssessmentFactory(learner=rachel, assessor=faith, epa=epas[1], rotation_assignment=None)

    points = selectors.learner_assessment_points(learner=rachel)

    assert sorted((epa_id, rotation_type_id) for _, _, epa_id, rotation_type_id in points) == sorted(
        [(epas[0].pk, rotation.pk), (epas[1].pk, None)])
