"""The search rows and the chart's visits are written in Python (apps/clinical/templatetags/clinical_rows.py):
byte for byte what the template loops they replace wrote, kept here as they were."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape as django_escape

from apps.clinical.models import Note, VitalSigns
from apps.clinical.selectors.chart import chart_page_context, chart_page_patient
from apps.clinical.templatetags.clinical_rows import escape
from tests.clinical.factories import CaseFactory, NoteFactory, PatientFactory, VisitFactory

pytestmark = pytest.mark.django_db

OLD_SEARCH_ROWS = '''  {% for p in page.rows %}
    <tr><td><a href="{{ p.url }}">{{ p.last_name }}, {{ p.first_name }}</a></td><td>{{ p.mrn }}</td><td>{{ p.date_of_birth|date:"Y-m-d" }}</td><td>{{ p.phone }}</td><td>{{ p.home_site__name }}</td></tr>
  {% empty %}
    <tr><td colspan="5">{% if query %}Nobody matches “{{ query }}”.{% else %}No patients yet.{% endif %}</td></tr>
  {% endfor %}
'''  # noqa: E501 — the template's lines, as they were
NEW_SEARCH_ROWS = "{% load clinical_rows %}  {% patient_search_rows page.rows query %}\n"

OLD_TIMELINE = '''  {% for visit in timeline %}
    <li><strong>{{ visit.visited_at|date:"Y-m-d" }}</strong> — {% if can_notes %}<a href="{{ visit.url }}">{{ visit.title }}</a>{% else %}{{ visit.title }}{% endif %} · {{ visit.practitioner }} · {{ visit.site_name }}{% if visit.is_locked %} · locked{% endif %}
      {% if can_notes %}<ul>{% for note in visit.notes %}<li><a href="{{ note.url }}">Note by {{ note.author }}</a> — {% if note.is_signed %}<span class="signed-stamp">signed</span>{% if note.awaiting_cosign %}, awaiting co-signature{% elif note.cosigned_by %}, co-signed by {{ note.cosigned_by }}{% endif %}{% else %}draft v{{ note.current_version }}{% endif %}{% if note.confidential %} · confidential{% endif %}</li>{% endfor %}</ul>{% endif %}
    </li>
  {% empty %}<li>No visits yet.</li>{% endfor %}
'''  # noqa: E501 — the template's lines, as they were
NEW_TIMELINE = "{% load clinical_rows %}  {% chart_timeline timeline can_notes %}\n"

# clinical/_vitals_row.html, included "with vitals=latest_vitals" by the chart and the portal
OLD_VITALS = """{% with v=vitals %}
<dl class="facts">
  <dt>Recorded</dt><dd>{{ v.recorded_at|date:"Y-m-d H:i" }} by {{ v.recorded_by }}</dd>
  {% if v.news2_score is not None %}<dt>NEWS2</dt><dd><span class="risk-{{ v.news2_risk }}">{{ v.news2_score }} — {{ v.news2_risk }}</span></dd>{% else %}<dt>NEWS2</dt><dd>not scored (needs all seven parameters; adults 16+)</dd>{% endif %}
  {% if v.temp is not None %}<dt>Temperature</dt><dd class="flag-{{ v.flags.temp }}">{{ v.temp }} °C</dd>{% endif %}
  {% if v.pulse is not None %}<dt>Pulse</dt><dd class="flag-{{ v.flags.pulse }}">{{ v.pulse }}/min</dd>{% endif %}
  {% if v.sbp is not None %}<dt>Blood pressure</dt><dd><span class="flag-{{ v.flags.sbp }}">{{ v.sbp }}</span>/<span class="flag-{{ v.flags.dbp }}">{{ v.dbp|default:"–" }}</span> mmHg</dd>{% endif %}
  {% if v.rr is not None %}<dt>Respiration</dt><dd class="flag-{{ v.flags.rr }}">{{ v.rr }}/min</dd>{% endif %}
  {% if v.spo2 is not None %}<dt>SpO₂</dt><dd class="flag-{{ v.flags.spo2 }}">{{ v.spo2 }} % (scale {{ v.spo2_scale }}, {% if v.on_oxygen %}on oxygen{% else %}air{% endif %})</dd>{% endif %}
  {% if v.consciousness %}<dt>ACVPU</dt><dd class="flag-{{ v.flags.consciousness }}">{{ v.get_consciousness_display }}</dd>{% endif %}
  {% if v.bmi is not None %}<dt>BMI</dt><dd class="flag-{{ v.flags.bmi }}">{{ v.bmi }} ({{ v.weight_kg }} kg, {{ v.height_cm }} cm)</dd>{% endif %}
  {% if v.pain is not None %}<dt>Pain</dt><dd class="flag-{{ v.flags.pain }}">{{ v.pain }}/10</dd>{% endif %}
</dl>
{% endwith %}
"""  # noqa: E501 — the template's lines, as they were
NEW_VITALS = "{% load clinical_rows %}{% vitals_facts vitals %}"


def _both(old, new, context):
    engine = engines["django"]
    return engine.from_string(old).render(context), engine.from_string(new).render(context)


def test_escape_is_djangos_escape():
    for value in ('<b>"O\'Neil" & co</b>', "", None, 3, "ü → ’"):
        assert escape(value) == django_escape(value)


@pytest.mark.parametrize("query", ["", "o'neil <script>"])
def test_search_rows_are_the_old_template_rows_even_with_markup_in_names_or_none_at_all(query):
    rows = [{"url": "/clinic/patients/1/?a=1&b=2", "last_name": "<O'Neil>", "first_name": 'Ann "A&B"',
             "mrn": "T-1", "date_of_birth": datetime.date(987, 3, 4), "phone": "", "home_site__name": None},
            {"url": "/clinic/patients/2/", "last_name": "Holloway", "first_name": "Margaret", "mrn": "T-2",
             "date_of_birth": datetime.date(1970, 5, 17), "phone": "555-0142", "home_site__name": "Harbor"}]
    for page_rows in (rows, []):
        old, new = _both(OLD_SEARCH_ROWS, NEW_SEARCH_ROWS, {"page": {"rows": page_rows}, "query": query})
        assert new == old


def test_the_search_page_shows_the_rows_as_before(client, reception, clinic):
    PatientFactory(home_site=clinic, first_name="Ann", last_name="O'Hollis <3>", phone="555 & 1")
    client.force_login(reception)
    body = client.get(reverse("clinical:home"), {"q": "hollis"}).content.decode()
    assert "O&#x27;Hollis &lt;3&gt;, Ann</a></td><td>T-" in body and "<td>1970-05-17</td><td>555 &amp; 1</td>" in body
    assert "Nobody matches “&lt;b&gt;”." in client.get(reverse("clinical:home"), {"q": "<b>"}).content.decode()


def _timeline_patient(clinic, practitioner, cosigner):
    patient = PatientFactory(home_site=clinic)
    case = CaseFactory(patient=patient, responsible_practitioner=practitioner, title="Knee <pain>")
    now = timezone.now()
    first = VisitFactory(case=case, practitioner=practitioner, reason="", visited_at=now - datetime.timedelta(days=3))
    second = VisitFactory(case=case, practitioner=practitioner, reason="Check & see", locked_at=now,
                          visited_at=datetime.datetime(2026, 1, 2, 2, 30, tzinfo=datetime.UTC))  # 1 January in New York
    NoteFactory(visit=first)  # a draft
    NoteFactory(visit=first, status=Note.Status.SIGNED, cosign_required=True, confidential=True)
    NoteFactory(visit=second, status=Note.Status.SIGNED, cosign_required=True, cosigned_at=now, cosigned_by=cosigner)
    NoteFactory(visit=second, status=Note.Status.SIGNED, current_version=3)
    return patient


@pytest.mark.parametrize("can_notes", [True, False])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_chart_timeline_is_the_old_template_timeline(clinic, practitioner, nurse, can_notes, zone):
    nurse.first_name = "Pamela"
    nurse.save()
    practitioner.first_name = "Pat <the> 'doc'"
    practitioner.save()
    patient = _timeline_patient(clinic, practitioner, nurse)
    flags = {"can_read_chart": True, "can_read_notes": can_notes}
    row = chart_page_patient(company=clinic.company, patient_id=patient.pk, **flags)
    timeline = chart_page_context(row, **flags)["timeline"]
    assert len(timeline) == 2 and (not can_notes or sum(len(visit.notes) for visit in timeline) == 4)
    with timezone.override(zone):
        old, new = _both(OLD_TIMELINE, NEW_TIMELINE, {"timeline": timeline, "can_notes": can_notes})
        assert new == old
        assert ("co-signed by Pamela" in new and "awaiting co-signature · confidential" in new
                and "draft v1" in new and "locked" in new and "Knee &lt;pain&gt;" in new) or not can_notes
        assert _both(OLD_TIMELINE, NEW_TIMELINE, {"timeline": [], "can_notes": can_notes}) == ("  <li>No visits yet.</li>\n",) * 2


SETS_OF_VITALS = [
    {"rr": 25, "spo2": 91, "spo2_scale": 1, "on_oxygen": True, "sbp": 95, "dbp": 60, "pulse": 120, "consciousness": "V",
     "temp": Decimal("38.4"), "weight_kg": Decimal("70.5"), "height_cm": Decimal("175.0"), "bmi": Decimal("23.0"),
     "pain": 7, "news2_score": 11, "news2_risk": "high",
     "flags": {"rr": "high", "spo2": "low", "pulse": "high", "temp": "high", "consciousness": "high", "pain": None}},
    {"pulse": 70, "sbp": 120, "dbp": None, "news2_score": None, "news2_risk": "", "flags": {}},
    {"spo2": 97, "spo2_scale": 2, "on_oxygen": False, "news2_score": 0, "news2_risk": "low", "flags": {"spo2": "<x>"}},
]


@pytest.mark.parametrize("values", SETS_OF_VITALS)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_vitals_facts_are_the_old_template_for_the_chart_and_the_portal(clinic, nurse, values, zone):
    nurse.first_name = "Nora <RN>"
    nurse.save()
    patient = PatientFactory(home_site=clinic)
    vitals = VitalSigns.objects.create(patient=patient, company=patient.company, site=clinic, recorded_by=nurse,
                                       recorded_at=datetime.datetime(2026, 3, 8, 3, 5, tzinfo=datetime.UTC), **values)
    row = chart_page_patient(company=clinic.company, patient_id=patient.pk, can_read_chart=True, can_read_notes=False)
    from_chart = chart_page_context(row, can_read_chart=True, can_read_notes=False)["latest_vitals"]
    with timezone.override(zone):
        for shown in (vitals, from_chart):  # the portal's model instance, the chart's plain object
            old, new = _both(OLD_VITALS, NEW_VITALS, {"vitals": shown})
            assert new == old
    assert "Nora &lt;RN&gt;" in new
