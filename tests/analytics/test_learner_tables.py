"""Issue 19: the progress page's per-EPA and coverage rows are written in Python; what they say is
what the template loops said (same cells, classes, formatting)."""

import datetime
import re
from types import SimpleNamespace

from django.template import Context, Template

OLD_PROGRESS = """{% for row in progress %}{% with p=row.progress %}
      <tr{% if not p %} class="never-assessed"{% endif %}><th scope="row">{{ row.epa }}</th>
      {% if p %}<td>{{ p.assessment_count }}</td><td>{{ p.count_last_90_days }}</td><td>{{ p.latest_level }}</td><td>{{ p.highest_level }}</td><td>{{ p.median_level|floatformat:1 }}</td><td>{{ p.level_trend|floatformat:2 }}</td><td>{{ p.latest_date }}</td>
      {% else %}<td>0</td><td colspan="6">Never assessed</td>{% endif %}</tr>
    {% endwith %}{% empty %}<tr><td colspan="8">No EPAs in this program's set.</td></tr>{% endfor %}"""  # noqa: E501
OLD_COVERAGE = """{% for row in coverage.rows %}
      <tr><th scope="row">{{ row.epa.short_name }}</th>{% for cell in row.cells %}<td class="{% if cell.count %}cell-covered{% elif cell.primary %}cell-gap{% else %}cell-empty{% endif %}">{{ cell.count|default:"–" }}</td>{% endfor %}</tr>
    {% empty %}<tr><td>No EPAs yet.</td></tr>{% endfor %}"""  # noqa: E501


class _Epa(SimpleNamespace):
    def __str__(self):
        return f"EPA {self.number}: {self.short_name}"


def _squeezed(html):
    return re.sub(r">\s+<", "><", html.strip())


def test_progress_and_coverage_rows_say_what_the_template_loops_said():
    epas = [_Epa(number=1, short_name="Consent & <risks>"), _Epa(number=2, short_name="Handover")]
    progress = [{"epa": epas[0], "progress": SimpleNamespace(
        assessment_count=12, count_last_90_days=3, latest_level=4, highest_level=5, median_level=3.5,
        level_trend=0.125, latest_date=datetime.date(2026, 11, 2))}, {"epa": epas[1], "progress": None}]
    coverage = {"rows": [{"epa": epa, "cells": [{"count": 2, "primary": True}, {"count": 0, "primary": True},
                                                 {"count": 0, "primary": False}]} for epa in epas]}
    context = Context({"progress": progress, "coverage": coverage})
    for old, new in [(OLD_PROGRESS, "{% progress_rows progress %}"), (OLD_COVERAGE, "{% coverage_rows coverage.rows %}")]:
        expected = _squeezed(Template(old).render(context))
        assert _squeezed(Template("{% load learner_tables %}" + new).render(context)) == expected
        assert "&lt;risks&gt;" in expected
    empty = Context({"progress": [], "coverage": {"rows": []}})
    assert (_squeezed(Template("{% load learner_tables %}{% progress_rows progress %}{% coverage_rows coverage.rows %}")
                      .render(empty)) == _squeezed(Template(OLD_PROGRESS + OLD_COVERAGE).render(empty)))
