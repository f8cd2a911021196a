"""The packet page's loops written in Python (apps/ccc/templatetags/ccc_packet.py) write the bytes
the template loops wrote — kept here as they were — with hostile names, titles, tags and
narratives escaped, the chair's form fields and their errors, decided, reported and previous
levels, and the empty cases."""

import datetime
from decimal import Decimal

from django.template import engines
from django.utils import timezone

from apps.academics.models import AcademicYear
from apps.ccc.models import MilestoneAssessment
from apps.ccc.selectors import AssessmentRow
from apps.ccc.suggestions import Evidence, suggest_level
from apps.ccc.templatetags.ccc_packet import packet_epa_rows, packet_milestone_rows, packet_narratives
from apps.ccc.web.forms import ReviewForm
from apps.reference.models import EPA, Milestone

EPA_ROWS = ('{% for row in packet.epa_rows %}<tr><td>{{ row.epa }}</td><td>{{ row.count }}</td>'
            '<td>{{ row.levels|join:" → " }}</td>\n      <td>{% for label, mean, n in row.history %}{{ label }}: '
            '{{ mean|floatformat:1 }} ({{ n }}){% if not forloop.last %} → {% endif %}{% endfor %}</td></tr>{% endfor %}')
MILESTONE_ROWS = """{% for row in rows %}
      <tr>
        <td><strong>{{ row.milestone.subcompetency_code }}</strong> {{ row.milestone.title }}</td>
        <td>{% if not row.mapped %}<span class="help">no EPA mapped</span>{% else %}
          <strong class="suggested" data-code="{{ row.milestone.subcompetency_code }}">{{ row.suggestion.level|default:"—" }}</strong>
          <details><summary>{{ row.suggestion.count }} assessment{{ row.suggestion.count|pluralize }}</summary>
            <p class="help">{{ row.suggestion.explanation }}</p>
            <ul>{% for item, recency in row.suggestion.evidence %}<li>{{ item.date }} {{ item.epa_label }}: level {{ item.level }} × weight {{ item.weight }} × recency {{ recency }}</li>{% endfor %}</ul>
          </details>{% endif %}</td>
        <td>{% for level in row.previous %}{{ level.academic_year.name }} {{ level.get_period_display }}: {{ level.level }}{% if not forloop.last %}<br>{% endif %}{% empty %}—{% endfor %}</td>
        <td>{% if row.fields %}
            <label class="visually-hidden" for="{{ row.fields.0.id_for_label }}">{{ row.milestone.subcompetency_code }} level</label>{{ row.fields.0 }}
            {% for error in row.fields.0.errors %}<p class="error">{{ error }}</p>{% endfor %}
            <label class="visually-hidden" for="{{ row.fields.1.id_for_label }}">{{ row.milestone.subcompetency_code }} rationale</label>{{ row.fields.1 }}
          {% elif row.current %}{{ row.current.get_level_display }}{% if row.current.reported_at %} <span class="tag">reported</span>{% endif %}{% else %}—{% endif %}</td>
      </tr>
    {% empty %}<tr><td colspan="4" class="help">The program has no milestone set.</td></tr>{% endfor %}"""  # noqa: E501
NARRATIVES = """{% for label, assessments in packet.narratives.items %}
  <details><summary>{{ label }} ({{ assessments|length }})</summary>
    <ul>{% for a in assessments %}<li>{{ a.assessment_date }} · {{ a.epa.short_name }} · level {{ a.entrustment_level }} · {{ a.assessor }}: {{ a.narrative_feedback }}</li>{% endfor %}</ul>
  </details>
  {% empty %}<p class="help">No narratives in the period.</p>{% endfor %}"""  # noqa: E501

TODAY = datetime.date(2026, 12, 8)


def _template(source, **context):
    return engines["django"].from_string(source).render(context)


def _epas():
    return (EPA(pk=1, number=1, name="One", short_name="Take <a> history & \"exam\""),
            EPA(pk=2, number=2, name="Two", short_name="O'Brien's plan"))


def _milestones():
    return [Milestone(pk=11, subcompetency_code="PC<1>", title="History & <script>alert(1)</script>"),
            Milestone(pk=12, subcompetency_code="PC2", title="Exam \"quoted\""),
            Milestone(pk=13, subcompetency_code="PC3", title="Not mapped")]


def _rows(form=None):
    pc1, pc2, pc3 = _milestones()
    evidence = [Evidence(assessment_id=n, epa_label=f"EPA {n % 2 + 1}", date=TODAY - datetime.timedelta(days=40 * n),
                         level=n % 4 + 1, weight=Decimal("1.50") if n % 2 else Decimal("1.00")) for n in range(5)]
    year = AcademicYear(name="2025–2026 <old>")
    previous = [MilestoneAssessment(level="2.5", period="mid_year", academic_year=year),
                MilestoneAssessment(level="nyc", period="year_end", academic_year=year)]
    rows = [
        {"milestone": pc1, "mapped": True, "suggestion": suggest_level(evidence, scale_top=4, as_of=TODAY),
         "current": MilestoneAssessment(level="3", reported_at=timezone.now()), "previous": previous},
        {"milestone": pc2, "mapped": True, "suggestion": suggest_level(evidence[:1], scale_top=4, as_of=TODAY),
         "current": MilestoneAssessment(level="na"), "previous": []},
        {"milestone": pc3, "mapped": False, "suggestion": suggest_level([], scale_top=4, as_of=TODAY),
         "current": None, "previous": previous[:1]},
    ]
    fields = {}
    if form is not None:
        fields = {milestone.pk: (form[level], form[rationale]) for milestone, level, rationale in form.milestone_fields}
    return [{**row, "fields": fields.get(row["milestone"].pk)} for row in rows]


def test_the_milestone_rows_are_the_templates_bytes_read_only_and_with_the_chairs_fields():
    rows = _rows()
    assert str(packet_milestone_rows(rows)) == _template(MILESTONE_ROWS, rows=rows)
    assert "History &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in packet_milestone_rows(rows)
    assert 'data-code="PC&lt;1&gt;"' in packet_milestone_rows(rows)
    assert "× weight 1.00 × recency 1</li>" in packet_milestone_rows(rows)  # equal decimals, shown apart
    form = ReviewForm({"level_11": "7", "rationale_11": 'Because <b>"so"</b>', "level_12": "2"},
                      milestones=_milestones(), initial={})
    assert not form.is_valid() and form["level_11"].errors
    rows = _rows(form)
    assert str(packet_milestone_rows(rows)) == _template(MILESTONE_ROWS, rows=rows)
    assert '<p class="error">' in packet_milestone_rows(rows)
    assert str(packet_milestone_rows([])) == _template(MILESTONE_ROWS, rows=[])


def test_the_epa_rows_are_the_templates_bytes():
    epa1, epa2 = _epas()
    epa_rows = [{"epa": epa1, "count": 3, "levels": [1, 3, 2],
                 "history": [("2025 Jul–Dec", 1.25, 4), ("2026 Jan–Jun", 2.0, 1), ("2026 Jul–Dec", 2 / 3, 3)]},
                {"epa": epa2, "count": 1, "levels": [4], "history": [("2026 Jul–Dec", 4.0, 1)]}]
    packet = {"epa_rows": epa_rows}
    assert str(packet_epa_rows(epa_rows)) == _template(EPA_ROWS, packet=packet)
    assert "EPA 1: Take &lt;a&gt; history &amp; &quot;exam&quot;" in packet_epa_rows(epa_rows)


def test_the_narratives_are_the_templates_bytes_with_hostile_values_escaped():
    epa1, epa2 = _epas()
    rows = [AssessmentRow(pk=n, learner_id=None, epa_id=epa.pk, epa=epa, assessment_date=TODAY - datetime.timedelta(days=n),
                          entrustment_level=n + 1, narrative_feedback=f"Note {n}: <img src=x onerror=alert(1)> & 'so'",
                          assessor="Fay <Faculty> O'Neil", tag_labels=[])
             for n, epa in enumerate([epa1, epa2, epa1])]
    narratives = {"Clinical <reasoning> (went well)": rows[:2], "No feedback tag": rows}
    packet = {"narratives": narratives}
    html = str(packet_narratives(narratives))
    assert html == _template(NARRATIVES, packet=packet)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#x27;so&#x27;" in html and "<img" not in html
    assert "Fay &lt;Faculty&gt; O&#x27;Neil" in html
    assert str(packet_narratives({})) == _template(NARRATIVES, packet={"narratives": {}})
