"""Issue 19: the roster's rows are written in Python (templatetags/roster_table.py) from prepared
values reads. They must be byte for byte what the template loop wrote from ``RosterRow``s, escape
hostile values as autoescape did, and a prepared read must answer each new filter value right."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from apps.academics import selectors
from apps.academics.templatetags.roster_table import roster_rows
from apps.tenants.roles import Role
from tests.factories import FacultyFactory, LearnerFactory, MembershipFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

# The loop _roster_table.html had before the rows were written in Python.
TEMPLATE_LOOP = (
    "{% for row in page %}\n"
    '  <tr><td><a href="{{ row.person_url }}">{{ row.user.last_name }}, {{ row.user.first_name }}</a>'
    '{% if row.learner_id %} · <a href="{{ row.portfolio_url }}" aria-label="Portfolio of {{ row.user.first_name }} '
    '{{ row.user.last_name }}">Portfolio</a>{% endif %}</td>\n'
    "    <td>{{ row.user.email }}</td><td>{{ row.role_label }}</td><td>{{ row.pgy|default:\"\" }}</td>"
    "<td>{{ row.status_label }}</td><td>{{ row.track }}</td></tr>\n"
    "  {% endfor %}")


def _template_rows(program):
    rows = [selectors.RosterRow.of(user) for user in selectors.roster_people(program=program)]
    for row in rows:
        row.person_url = reverse("academics:person_detail", args=[program.pk, row.user.pk])
        row.portfolio_url = (reverse("analytics_learner_portfolio", args=[row.learner_id]) if row.learner_id
                             else "")
    return Template(TEMPLATE_LOOP).render(Context({"page": rows}))


def test_the_rows_are_byte_for_byte_the_template_loops_with_hostile_values_escaped(program, casey):
    hostile = LearnerFactory(program=program, pgy_level=2, track='<script>"R&D"</script>',
                             user=UserFactory(company=program.company, first_name="<b>Bo", last_name="O'Neil & Sons",
                                              email="bo+<x>@northwind.example"))
    StudentFactory(program=program, user__last_name="Stone")
    chief = FacultyFactory(program=program, user__last_name="Zzyzx", is_active=False)
    MembershipFactory(user=chief.user, role=Role.COORDINATOR, program=program)
    values = selectors.roster_values(program=program)
    written = roster_rows(values[0:25], program.pk)
    assert written == _template_rows(program)
    assert "<b>Bo" not in written and "&lt;b&gt;Bo" in written and "O&#x27;Neil &amp; Sons" in written
    assert "&lt;script&gt;&quot;R&amp;D&quot;&lt;/script&gt;" in written and "<script>" not in written
    assert f"/analytics/learners/{hostile.pk}/" in written
    assert "Program coordinator, Faculty" in written


def test_a_prepared_roster_read_answers_each_new_filter_value(program, casey):
    LearnerFactory(program=program, user__last_name="Abara", pgy_level=1, track="Research")
    LearnerFactory(program=program, user__last_name="Baker", pgy_level=2, track="Global health")
    FacultyFactory(program=program, user__last_name="Haddad")

    def names(**filters):
        values = selectors.roster_values(program=program, **filters)
        return [row["last_name"] for row in values[0:values.count()]]

    assert names(pgy=1) == ["Abara"] and names(pgy=2) == ["Baker"]
    assert names(track="research") == ["Abara"] and names(track="GLOBAL HEALTH") == ["Baker"]
    assert names(role="faculty") == ["Haddad"] and "Haddad" not in names(role="resident")
    everyone = names()  # the three and Casey, who coordinates
    assert len(everyone) == 4 and everyone[0] == "Abara" and names(sort="-name") == everyone[::-1]
    assert names(q="bak") == ["Baker"]  # a search is compiled each time, not prepared
    values = selectors.roster_values(program=program)
    assert values.count() == 4 and [row["last_name"] for row in values[1:3]] == everyone[1:3]


def test_the_blank_filter_form_written_once_is_the_forms_own_html(client, casey, program):
    from apps.academics.web.forms import RosterFilterForm
    from apps.core.templatetags.form_field import field_html

    client.force_login(casey)
    blank = client.get(f"/programs/{program.pk}/roster/").content.decode()
    assert "".join(field_html(field) for field in RosterFilterForm()) in blank
    filtered = client.get(f"/programs/{program.pk}/roster/", {"track": '"><b>x'}).content.decode()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in filtered and "<b>x" not in filtered
    assert "Nobody matches." in filtered and "0 people" in filtered  # an empty page is no query
