# ruff: noqa: E501 — DAY_TEMPLATE is the old template verbatim, long lines included
"""The day view's head, navigation and grid written in Python (apps/scheduling/templatetags/book_pages.py)
are the template's markup byte for byte, escape what the database holds, and log every patient shown."""

import pytest
from django.template import engines
from django.urls import reverse

from apps.audit.models import AccessLog
from apps.scheduling import services
from apps.scheduling.models import Appointment, WaitlistEntry
from apps.scheduling.templatetags.book_pages import nav_html
from tests.clinical.factories import PatientFactory
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
DAY = "2026-12-01"  # a Tuesday

# The templates before issue 13: day.html's content up to the cancelled list, and _site_nav.html.
NAV_TEMPLATE = """<nav class="toolbar book-nav" aria-label="Appointment book">
  <a href="{% url 'scheduling:day' site.pk %}">Day</a>
  <a href="{% url 'scheduling:today' site.pk %}">Today's list</a>
  <a href="{% url 'scheduling:slots' site.pk %}">Find a slot</a>
  <a href="{% url 'scheduling:series_new' site.pk %}">Recurring booking</a>
  <a href="{% url 'scheduling:waitlist' site.pk %}">Waitlist</a>
  <a href="{% url 'scheduling:working_hours' site.pk %}">Working hours</a>
  <a href="{% url 'scheduling:service_types' %}">Services</a>
  <a href="{% url 'scheduling:public_book' site.pk %}">Public booking page</a>
</nav>
"""
DAY_TEMPLATE = """
<h1>{{ site.name }} <small>{{ day|date:"l j F Y" }} · {{ site.time_zone }}</small></h1>
""" + NAV_TEMPLATE + """
<form method="get" class="toolbar day-toolbar">
  <a class="button" href="?date={{ previous|date:'Y-m-d' }}{% if by_room %}&by=room{% endif %}" aria-label="Previous day">‹</a>
  <input type="date" name="date" value="{{ day|date:'Y-m-d' }}" aria-label="Date">
  <select name="by" aria-label="Columns"><option value="practitioner">By practitioner</option><option value="room" {% if by_room %}selected{% endif %}>By room / equipment</option></select>
  <button type="submit" class="button">Show</button>
  <a class="button" href="?date={{ today|date:'Y-m-d' }}{% if by_room %}&by=room{% endif %}">Today</a>
  <a class="button" href="?date={{ next|date:'Y-m-d' }}{% if by_room %}&by=room{% endif %}" aria-label="Next day">›</a>
</form>
<div id="panel" class="book-panel" aria-live="polite"></div>
{% if not columns %}<p class="card">Nobody works here on {{ day|date:"l" }} and nothing is booked. <a href="{% url 'scheduling:working_hours' site.pk %}">Set working hours</a>.</p>{% endif %}
<div class="book" style="--rows: {{ rows }}">
  <div class="book-times" aria-hidden="true">{{ times_html }}</div>
  {% for column in columns %}
  <section class="book-column" aria-label="{{ column.label }}">
    <h2 class="book-head">{{ column.head }}</h2>
    <div class="book-grid">
      {{ column.html }}
    </div>
  </section>
  {% endfor %}
</div>
"""


def _day(client, clinic, **query):
    url = reverse("scheduling:day", kwargs={"site_id": clinic.pk})
    return client.get(url, {"date": DAY, **query})


def _as_the_template_wrote_it(response):
    context = response.context
    html = engines["django"].from_string(DAY_TEMPLATE).render(
        {key: context[key] for key in ("site", "day", "today", "previous", "next", "by_room", "columns", "rows",
                                       "times_html")}, response.wsgi_request)
    return html.replace('&by=room', '&amp;by=room')  # the old template wrote a bare & (invalid HTML)


def _content(response):
    page = response.content.decode()
    return page[page.index("<h1>") - 1:page.index("</div>\n\n", page.index('<div class="book"')) + 7]


@pytest.mark.parametrize("by", [None, "room"])
def test_the_day_views_head_and_grid_are_the_templates_markup(client, reception, practitioner, patient, clinic,
                                                              consult, weekday_hours, room, by):
    clinic.name = 'Harbor <Street> & "Co"'
    clinic.save()
    practitioner.first_name = "<b>Pat</b>"
    practitioner.save()
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"), resource=room)
    client.force_login(reception)
    response = _day(client, clinic, **({"by": by} if by else {}))
    assert response.status_code == 200
    assert _content(response) == _as_the_template_wrote_it(response)
    page = response.content.decode()
    assert "Harbor &lt;Street&gt; &amp; &quot;Co&quot;" in page and "<Street>" not in page
    assert "<b>Pat</b>" not in page


def test_an_empty_day_says_so_as_the_template_did(client, reception, clinic):
    client.force_login(reception)
    response = _day(client, clinic)
    assert response.status_code == 200 and "Nobody works here on Tuesday" in response.content.decode()
    assert _content(response) == _as_the_template_wrote_it(response)


def test_the_site_navigation_is_the_templates(rf, clinic):
    nav = engines["django"].from_string(NAV_TEMPLATE).render({"site": clinic})
    assert nav_html(clinic.pk) == nav


def test_the_day_view_logs_each_patient_it_shows_once(client, reception, practitioner, patient, other_patient,
                                                      clinic, consult, weekday_hours):
    """The rule: every patient the page names is in the access log. Margaret comes twice, Tom once; a
    waitlist match named under Tom's cancelled (future) time is logged too."""
    for hhmm in ("09:00", "10:00"):
        services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                  service_type=consult, start=at(DAY, hhmm))
    toms = services.appointment_book(actor=reception, patient=other_patient, practitioner=practitioner, site=clinic,
                                     service_type=consult, start=at(DAY, "11:00"))
    Appointment.objects.for_company(clinic.company).filter(pk=toms.pk).update(status=Appointment.Status.CANCELLED)
    waiting = PatientFactory(home_site=clinic, first_name="Wendy", last_name="Waiting")
    WaitlistEntry.objects.create(company=clinic.company, site=clinic, patient=waiting, service_type=consult)
    client.force_login(reception)
    before = set(AccessLog.objects.for_company(clinic.company).values_list("pk", flat=True))
    response = _day(client, clinic)
    page = response.content.decode()
    assert "Margaret Holloway" in page and "Tom Baker" in page and "Wendy Waiting" in page
    logged = list(AccessLog.objects.for_company(clinic.company).exclude(pk__in=before)
                  .filter(actor=reception, action="list").values_list("entity_type", "entity_id"))
    expected = [("clinical.Patient", str(p.pk)) for p in (patient, other_patient, waiting)]
    assert sorted(logged) == sorted(expected)


@pytest.mark.parametrize("works_here", [True, False])
def test_the_day_views_waitlist_count_is_the_sites_with_or_without_practitioners(
        client, reception, practitioner, clinic, consult, weekday_hours, works_here):
    """The count comes with the practitioners' query (or on its own when nobody has a column)."""
    from apps.scheduling import selectors
    from tests.factories import SiteFactory

    if not works_here:  # Pat has left: nobody has a column
        practitioner.is_active = False
        practitioner.save()
    elsewhere = SiteFactory(institution=clinic.institution, name="Elsewhere")
    for n, (site, state) in enumerate([(clinic, "waiting"), (clinic, "offered"), (clinic, "booked"),
                                       (elsewhere, "waiting")]):
        WaitlistEntry.objects.create(company=clinic.company, site=site, service_type=consult, state=state,
                                     patient=PatientFactory(home_site=clinic, last_name=f"Waiting{n}"))
    client.force_login(reception)
    response = _day(client, clinic)
    people, waiting = selectors.day_columns(site=clinic, day=response.context["day"])
    assert bool(people) is works_here
    assert waiting == selectors.waitlist_count(site=clinic) == 2
    assert "Waitlist: 2 waiting" in response.content.decode()
