"""Issue 19: the dashboard's rows are written in Python (apps.analytics.tables); what they say is
what the template loops said (same cells, formatting, escaping), byte for byte."""

import datetime

from django.template import Context, Template

from apps.analytics import tables

OLD_VOLUME = """{% for m in months %}<tr><th scope="row">{{ m.month|date:"M Y" }}</th><td>{{ m.assessments }}</td><td>{{ m.learners_assessed }}</td><td>{{ m.faculty_active }}</td><td>{{ m.median_days_case_to_submission|floatformat:1|default:"—" }}</td><td>{% if m.useful_narrative_share is not None %}{% widthratio m.useful_narrative_share 1 100 %}%{% else %}—{% endif %}</td><td>{{ m.tag_uses }}</td></tr>{% empty %}<tr><td colspan="7">No assessments yet.</td></tr>{% endfor %}"""  # noqa: E501
OLD_FACULTY = """{% for row in faculty %}<tr><th scope="row">{{ row.name }}</th><td>{{ row.assessments }}</td><td>{{ row.assessments_last_90_days }}</td><td>{{ row.latest_date }}</td><td>{{ row.median_days_to_submit|floatformat:1 }}</td></tr>{% empty %}<tr><td colspan="5">Nobody has assessed yet.</td></tr>{% endfor %}"""  # noqa: E501
OLD_REQUESTS = """{% for m in months %}{% if m.requests_created %}<tr><th scope="row">{{ m.month|date:"M Y" }}</th><td>{{ m.requests_created }}</td><td>{{ m.requests_completed }}</td><td>{% widthratio m.request_completion_rate 1 100 %}%</td></tr>{% endif %}{% empty %}<tr><td colspan="4">No requests yet.</td></tr>{% endfor %}"""  # noqa: E501
OLD_BEHIND = """{% for row in behind %}<tr><th scope="row"><a href="{{ row.progress_url }}">{{ row.name }}</a></th><td>{{ row.pgy_level|default:"—" }}</td><td>{{ row.total }}</td><td>{{ row.latest|default:"never" }}</td><td>{{ row.reasons }}</td></tr>{% empty %}<tr><td colspan="5">Nobody is behind.</td></tr>{% endfor %}"""  # noqa: E501

MONTHS = [
    {"month": datetime.date(2025, 12, 1), "assessments": 12, "learners_assessed": 4, "faculty_active": 3,
     "median_days_case_to_submission": 2.25, "useful_narrative_share": 0.125, "tag_uses": 1234,
     "requests_created": 5, "requests_completed": 2, "request_completion_rate": 0.4},
    {"month": datetime.date(2026, 1, 1), "assessments": 0, "learners_assessed": 0, "faculty_active": 0,
     "median_days_case_to_submission": None, "useful_narrative_share": None, "tag_uses": 0,
     "requests_created": 0, "requests_completed": 0, "request_completion_rate": None},
    {"month": datetime.date(2026, 2, 1), "assessments": 1, "learners_assessed": 1, "faculty_active": 1,
     "median_days_case_to_submission": 0.0, "useful_narrative_share": 0.005, "tag_uses": 2,
     "requests_created": 3, "requests_completed": 0, "request_completion_rate": 0.0},
]
FACULTY = [{"name": "Faith <b>Faculty</b> & co", "assessments": 1200, "assessments_last_90_days": 7,
            "latest_date": datetime.date(2026, 11, 2), "median_days_to_submit": 1.05},
           {"name": "x@example.org", "assessments": 1, "assessments_last_90_days": 0,
            "latest_date": datetime.date(2026, 1, 31), "median_days_to_submit": 0.0}]
BEHIND = [{"name": "Rachel \"<Resident>\"", "pgy_level": 2, "total": 0, "latest": None,
           "reasons": "no assessment in 60 days; below the PGY median (2.5)", "progress_url": "/a/?x=1&y=<2>"},
          {"name": "Ray", "pgy_level": None, "total": 3, "latest": datetime.date(2026, 3, 4),
           "reasons": "below <the> PGY median (4)", "progress_url": "/b/"}]


def _old(template, **context):
    return Template(template).render(Context(context))


def test_dashboard_rows_are_what_the_template_loops_wrote():
    assert tables.month_rows(MONTHS) == _old(OLD_VOLUME, months=MONTHS)
    assert tables.request_rows(MONTHS) == _old(OLD_REQUESTS, months=MONTHS)
    assert tables.faculty_rows(FACULTY) == _old(OLD_FACULTY, faculty=FACULTY)
    assert tables.behind_rows(BEHIND) == _old(OLD_BEHIND, behind=BEHIND)
    for writer, old, name in [(tables.month_rows, OLD_VOLUME, "months"), (tables.request_rows, OLD_REQUESTS, "months"),
                              (tables.faculty_rows, OLD_FACULTY, "faculty"), (tables.behind_rows, OLD_BEHIND, "behind")]:
        assert writer([]) == _old(old, **{name: []})


def test_a_hostile_name_and_link_are_escaped():
    html = tables.faculty_rows(FACULTY) + tables.behind_rows(BEHIND)
    assert "Faith &lt;b&gt;Faculty&lt;/b&gt; &amp; co" in html and "<b>" not in html
    assert 'Rachel &quot;&lt;Resident&gt;&quot;' in html and 'href="/a/?x=1&amp;y=&lt;2&gt;"' in html
    assert "below &lt;the&gt; PGY median" in html
