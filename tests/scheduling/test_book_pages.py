"""Rita at reception works the book through the pages: the day view, booking a free cell, a clash
shown beside the field, check-in, cancel; the day view's queries do not grow with the book."""

import datetime
import re

import pytest
from django.urls import reverse

from apps.audit.models import AccessLog
from apps.scheduling import services
from apps.scheduling.models import Appointment
from tests.clinical.factories import PatientFactory
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
S = Appointment.Status
DAY = "2026-12-01"  # a Tuesday


def _day_url(clinic, **query):
    return reverse("scheduling:day", kwargs={"site_id": clinic.pk}) + "?" + "&".join(f"{k}={v}" for k, v in
                                                                                     {"date": DAY, **query}.items())


def test_rita_sees_pats_day_with_free_cells_and_margarets_appointment(client, reception, practitioner, patient,
                                                                     clinic, consult, weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    response = client.get(_day_url(clinic))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Margaret Holloway" in page and "09:30–10:00" in page
    assert "09:00 free" in page and "10:00 free" in page and "09:30 free" not in page
    assert "12:00 free" not in page  # lunch: Pat works 09–12 and 13–17
    assert AccessLog.objects.for_company(clinic.company).filter(actor=reception, action="list").exists()


def test_rita_books_a_free_cell_then_a_clash_is_shown_beside_the_start(client, reception, practitioner, patient,
                                                                      other_patient, clinic, consult, weekday_hours):
    client.force_login(reception)
    url = reverse("scheduling:book", kwargs={"site_id": clinic.pk})
    form = client.get(url, {"practitioner": practitioner.pk, "start": f"{DAY}T10:00", "patient": patient.pk})
    assert form.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', form.content.decode()).group(1)
    data = {"patient": patient.pk, "service_type": consult.pk, "practitioner": practitioner.pk,
            "start": f"{DAY}T10:00", "key": key}
    response = client.post(url, data)
    assert response.status_code == 302
    booked = Appointment.objects.for_company(clinic.company).get()
    assert booked.start == at(DAY, "10:00") and booked.booked_by == reception
    assert client.post(url, data).status_code == 302  # a double submit books once
    assert Appointment.objects.for_company(clinic.company).count() == 1
    clash = client.post(url, {**data, "patient": other_patient.pk, "start": f"{DAY}T10:15", "key": ""})
    assert clash.status_code == 200
    errors = clash.context["form"].errors
    assert "start" in errors and "Pat Okafor is already booked" in errors["start"][0]
    assert Appointment.objects.for_company(clinic.company).count() == 1


def test_rita_checks_margaret_in_then_cancels_toms_appointment(client, reception, practitioner, patient,
                                                              other_patient, clinic, consult):
    first = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                      service_type=consult, start=at(DAY, "09:00"))
    second = services.appointment_book(actor=reception, patient=other_patient, practitioner=practitioner,
                                       site=clinic, service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    panel = client.get(reverse("scheduling:appointment", kwargs={"appointment_id": first.pk}), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and "Check in" in panel.content.decode()
    response = client.post(reverse("scheduling:appointment_status", kwargs={"appointment_id": first.pk}),
                           {"status": "checked-in"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == S.CHECKED_IN and first.checked_in_at is not None
    refused = client.post(reverse("scheduling:appointment_cancel", kwargs={"appointment_id": second.pk}),
                          {"reason": "", "scope": "one"})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    client.post(reverse("scheduling:appointment_cancel", kwargs={"appointment_id": second.pk}),
                {"reason": "Called to cancel", "scope": "one"})
    second.refresh_from_db()
    assert second.status == S.CANCELLED and second.cancellation_reason == "Called to cancel"


def test_charlie_from_southbay_gets_404_for_northwinds_book(client, southbay_charlie, reception, practitioner,
                                                           patient, clinic, consult):
    appointment = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner,
                                            site=clinic, service_type=consult, start=at(DAY, "09:00"))
    client.force_login(southbay_charlie)
    assert client.get(_day_url(clinic)).status_code == 404
    assert client.get(reverse("scheduling:appointment", kwargs={"appointment_id": appointment.pk})).status_code == 404
    assert client.post(reverse("scheduling:appointment_status", kwargs={"appointment_id": appointment.pk}),
                       {"status": "noshow"}).status_code == 404


def test_nora_the_nurse_does_not_work_the_book(client, nurse, clinic):
    client.force_login(nurse)
    assert client.get(_day_url(clinic)).status_code == 403


def _fill(clinic, practitioners, consult, per_practitioner):
    from apps.scheduling.models import WeeklyAvailability

    for person in practitioners:
        WeeklyAvailability.objects.for_company(clinic.company).get_or_create(practitioner=person, site=clinic, company=clinic.company, weekday=1,
                                                 start_time=datetime.time(8), end_time=datetime.time(18))
        existing = Appointment.objects.for_company(clinic.company).filter(practitioner=person).count()
        for index in range(existing, per_practitioner):
            start = at(DAY, "08:00") + datetime.timedelta(minutes=30 * index)
            Appointment.objects.create(patient=PatientFactory(home_site=clinic), practitioner=person, site=clinic,
                                       company=clinic.company, service_type=consult, start=start,
                                       end=start + datetime.timedelta(minutes=30))


def test_the_day_view_reads_the_same_number_of_queries_for_2_or_20_appointments_a_practitioner(
        client, reception, clinic, consult, staff, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.tenants.roles import Role

    people = [staff(Role.PRACTITIONER) for _ in range(10)]
    client.force_login(reception)
    _fill(clinic, people[:3], consult, 1)
    client.get(_day_url(clinic))  # warm the per-process caches (content types, templates)
    _fill(clinic, people[:3], consult, 2)  # a change: the next visit reads the book again
    with CaptureQueriesContext(connection) as changed:
        assert client.get(_day_url(clinic)).status_code == 200
    # Session, user, site, memberships (the request and the access check); the appointments (with
    # the patients' attendance), the practitioners with their hours and the waitlist count; the
    # access log (one insert). The role codes and the unread badge come from the cache. Was 13, then 8.
    assert len(changed.captured_queries) == 7, [q["sql"][:80] for q in changed.captured_queries]
    # Nothing changed since: the book itself comes from the cache (apps.scheduling.book_cache); the
    # request, the access check and the access log remain.
    with CaptureQueriesContext(connection) as unchanged:
        assert client.get(_day_url(clinic)).status_code == 200
    assert len(unchanged.captured_queries) == 5, [q["sql"][:80] for q in unchanged.captured_queries]
    _fill(clinic, people, consult, 20)  # 10 practitioners, 200 appointments
    with django_assert_num_queries(len(changed.captured_queries)):
        response = client.get(_day_url(clinic))
    assert response.content.decode().count('data-testid="appointment"') == 200
    with django_assert_num_queries(len(unchanged.captured_queries)):
        again = client.get(_day_url(clinic))
    assert again.content.decode().count('data-testid="appointment"') == 200


def test_the_day_view_shows_margarets_no_shows_and_late_cancellations_as_attendance_counts_them(
        client, reception, practitioner, patient, other_patient, clinic, consult, weekday_hours):
    from apps.scheduling import selectors

    for days_ago, status, late in ((7, S.NOSHOW, False), (14, S.CANCELLED, True), (21, S.CANCELLED, False),
                                   (28, S.FULFILLED, False)):
        start = at(DAY, "09:00") - datetime.timedelta(days=days_ago)
        Appointment.objects.create(patient=patient, practitioner=practitioner, site=clinic, company=clinic.company,
                                   service_type=consult, start=start, end=start + datetime.timedelta(minutes=30),
                                   status=status, late_cancellation=late)
    for who, hhmm in ((patient, "09:30"), (other_patient, "10:30")):
        start = at(DAY, hhmm)
        Appointment.objects.create(patient=who, practitioner=practitioner, site=clinic, company=clinic.company,
                                   service_type=consult, start=start, end=start + datetime.timedelta(minutes=30))
    counts = selectors.attendance_counts(company_id=clinic.company_id, patient_ids=[patient.pk, other_patient.pk])
    assert counts[patient.pk] == {"noshows": 1, "late_cancellations": 1}
    assert counts[other_patient.pk] == {"noshows": 0, "late_cancellations": 0}
    client.force_login(reception)
    page = client.get(_day_url(clinic)).content.decode()
    assert "Margaret Holloway<span class=\"book-meta\">Consultation · Booked · 1 no-show · 1 late cancel</span>" in page
    assert re.search(r"</strong> [^<]+<span class=\"book-meta\">Consultation · Booked</span>", page)  # the other patient


def test_a_column_head_is_the_escaped_link_format_html_wrote(client, reception, practitioner, clinic, weekday_hours):
    from django.utils.html import format_html

    practitioner.first_name, practitioner.last_name = "Pat \"Jo\"", "O'Kafor <b>&</b>"
    practitioner.save()
    client.force_login(reception)
    page = client.get(_day_url(clinic)).content.decode()
    week = reverse("scheduling:week", kwargs={"practitioner_id": practitioner.pk})
    expected = format_html('<a href="{}?date={}">{}</a>', week, DAY, f"{practitioner.first_name} {practitioner.last_name}")
    assert f'<h2 class="book-head">{expected}</h2>' in page and "<b>&</b>" not in page


def test_a_date_with_other_hours_and_time_off_change_pats_free_slots(client, reception, practitioner, clinic,
                                                                     consult, weekday_hours):
    from apps.scheduling import availability

    client.force_login(reception)
    url = reverse("scheduling:working_hours", kwargs={"site_id": clinic.pk}) + f"?practitioner={practitioner.pk}"
    client.post(url, {"kind": "override", "date": DAY, "start_time": "14:00", "end_time": "15:00"})
    client.post(url, {"kind": "time_off", "start": "2026-12-02T00:00", "end": "2026-12-03T00:00", "reason": "Course"})
    refused = client.post(url, {"kind": "time_off", "start": "2026-12-04T10:00", "end": "2026-12-04T09:00"})
    assert refused.status_code == 200 and "end" in refused.context["time_off_form"].errors
    slots = availability.free_slots(site=clinic, service_type=consult, first_day=datetime.date(2026, 12, 1), days=3,
                                    practitioner=practitioner, now=at("2026-11-30", "09:00"))
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.start.date().isoformat(), []).append(slot.start.strftime("%H:%M"))
    assert by_day["2026-12-01"] == ["14:00", "14:15", "14:30"]  # only the override's hour
    assert "2026-12-02" not in by_day  # away all day
    assert by_day["2026-12-03"][0] == "09:00"


def test_rita_turns_off_margarets_text_reminders_from_the_chart(client, reception, patient, clinic):
    from apps.scheduling.models import PatientContactPreference

    client.force_login(reception)
    response = client.post(reverse("scheduling:contact_preference", kwargs={"patient_id": patient.pk}),
                           {"email_reminders": "on"})
    assert response.status_code == 302
    preference = PatientContactPreference.objects.for_company(clinic.company).get(patient=patient)
    assert preference.email_reminders and not preference.sms_reminders


def test_the_chart_shows_margarets_appointments_card_to_pat_but_not_to_nora(client, reception, nurse, practitioner,
                                                                           patient, clinic, consult):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at("2027-01-05", "09:00"))
    client.force_login(practitioner)
    chart = client.get(reverse("clinical:chart", kwargs={"patient_id": patient.pk})).content.decode()
    card_url = reverse("scheduling:patient_appointments", kwargs={"patient_id": patient.pk})
    assert f'hx-get="{card_url}"' in chart
    card = client.get(card_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Tue 5 Jan 2027 09:00" in card and "Consultation" in card
    client.force_login(nurse)
    assert card_url not in client.get(reverse("clinical:chart", kwargs={"patient_id": patient.pk})).content.decode()
    assert client.get(card_url).status_code == 403


def _book_cells(page):
    """{label: (grid-row, span)} of the appointments and [(row, label)] of the free cells of a day page."""
    booked = {when: (int(row), int(span)) for row, span, when in re.findall(
        r'class="book-appt[^"]*" style="grid-row: (\d+) / span (\d+);[^>]*><strong>([^<]+)</strong>', page)}
    free = [(int(row), label) for row, label in re.findall(
        r'class="book-free" style="grid-row: (\d+)"[^>]*><span class="book-free-label">([^<]+) free', page)]
    return booked, free


@pytest.mark.parametrize(("day", "zone", "what"), [
    ("2026-11-01", "America/New_York", "clocks go back an hour at 02:00"),
    ("2027-03-14", "America/New_York", "clocks go forward an hour at 02:00"),
    ("2027-04-04", "Australia/Sydney", "clocks go back an hour at 03:00 in Sydney"),
])
def test_rita_sees_a_daylight_saving_sunday_laid_out_by_the_sites_clock(client, reception, practitioner, patient,
                                                                        other_patient, clinic, consult, day, zone,
                                                                        what):
    from apps.scheduling.models import WeeklyAvailability

    clinic.time_zone = zone
    clinic.save()
    WeeklyAvailability.objects.create(practitioner=practitioner, site=clinic, company=clinic.company, weekday=6,
                                      start_time=datetime.time(8), end_time=datetime.time(12))
    for who, hhmm, minutes in ((patient, "09:00", 30), (other_patient, "10:45", 45)):
        start = at(day, hhmm, zone)
        Appointment.objects.create(patient=who, practitioner=practitioner, site=clinic, company=clinic.company,
                                   service_type=consult, start=start, end=start + datetime.timedelta(minutes=minutes))
    client.force_login(reception)
    page = client.get(_day_url(clinic, date=day)).content.decode()
    booked, free = _book_cells(page)
    # The grid starts at 07:00 local (row 1); a row is 15 minutes of the site's clock.
    assert booked == {"09:00–09:30": (9, 2), "10:45–11:30": (16, 3)}, what
    assert free == [(5, "08:00"), (6, "08:15"), (7, "08:30"), (8, "08:45"), (11, "09:30"), (12, "09:45"),
                    (13, "10:00"), (14, "10:15"), (15, "10:30"), (19, "11:30"), (20, "11:45")], what
    assert f'?practitioner={practitioner.pk}&amp;start={day}T08:00"' in page


DST_SUNDAYS = [
    ("2026-11-01", "America/New_York", "clocks go back an hour at 02:00"),
    ("2027-03-14", "America/New_York", "clocks go forward an hour at 02:00"),
    ("2027-04-04", "Australia/Sydney", "clocks go back an hour at 03:00 in Sydney"),
    ("2027-10-03", "Australia/Sydney", "clocks go forward an hour at 02:00 in Sydney"),
]


@pytest.mark.parametrize(("day", "zone", "what"), DST_SUNDAYS)
def test_rita_sees_every_appointment_at_its_clock_time_when_the_day_starts_before_the_change(
        client, reception, practitioner, patient, other_patient, clinic, consult, day, zone, what):
    """An appointment at 00:30 starts the grid at midnight, before the change: those after it still
    sit at their own time of day (not an hour off their labels), and the cells beside them are free."""
    from apps.scheduling.models import WeeklyAvailability

    clinic.time_zone = zone
    clinic.save()
    WeeklyAvailability.objects.create(practitioner=practitioner, site=clinic, company=clinic.company, weekday=6,
                                      start_time=datetime.time(8), end_time=datetime.time(12))
    for who, hhmm, minutes in ((patient, "00:30", 30), (patient, "09:00", 30), (other_patient, "10:45", 45)):
        start = at(day, hhmm, zone)
        Appointment.objects.create(patient=who, practitioner=practitioner, site=clinic, company=clinic.company,
                                   service_type=consult, start=start, end=start + datetime.timedelta(minutes=minutes))
    client.force_login(reception)
    page = client.get(_day_url(clinic, date=day)).content.decode()
    booked, free = _book_cells(page)
    # The grid starts at 00:00 local (row 1); row n is the quarter hour (n - 1) × 15 minutes of the clock.
    assert booked == {"00:30–01:00": (3, 2), "09:00–09:30": (37, 2), "10:45–11:30": (44, 3)}, what
    assert free == [(33, "08:00"), (34, "08:15"), (35, "08:30"), (36, "08:45"), (39, "09:30"), (40, "09:45"),
                    (41, "10:00"), (42, "10:15"), (43, "10:30"), (47, "11:30"), (48, "11:45")], what
    labels = re.findall(r'<div class="book-time">([^<]*)</div>', page)
    assert len(labels) == 19 * 4 and labels[36] == "09:00" and labels[43] == "", what


@pytest.mark.parametrize(("day", "zone", "what"), [case for case in DST_SUNDAYS if "forward" in case[2]])
def test_the_quarter_hours_the_clock_skips_are_not_offered(client, reception, practitioner, clinic, day, zone,
                                                           what):
    from apps.scheduling.models import WeeklyAvailability

    clinic.time_zone = zone
    clinic.save()
    WeeklyAvailability.objects.create(practitioner=practitioner, site=clinic, company=clinic.company, weekday=6,
                                      start_time=datetime.time(1), end_time=datetime.time(4))
    client.force_login(reception)
    _, free = _book_cells(client.get(_day_url(clinic, date=day)).content.decode())
    assert [label for _, label in free] == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30",
                                            "03:45"], what
    assert free[3] == (4, "01:45") and free[4] == (9, "03:00"), what  # the grid starts at 01:00; 02:00–02:45 stay empty


def test_the_hour_new_york_repeats_shows_both_passes_at_their_clock_time(client, reception, practitioner, patient,
                                                                         other_patient, clinic, consult):
    """2026-11-01, clocks go back at 02:00: 01:45 daylight time → 01:15 standard time (30 minutes)
    is drawn from 01:45 over two rows; 01:30 standard time (the second 01:30) at 01:30; no free cell
    under either."""
    from zoneinfo import ZoneInfo

    from apps.scheduling.models import WeeklyAvailability

    WeeklyAvailability.objects.create(practitioner=practitioner, site=clinic, company=clinic.company, weekday=6,
                                      start_time=datetime.time(0), end_time=datetime.time(4))
    zone = ZoneInfo("America/New_York")
    for who, start in ((patient, datetime.datetime(2026, 11, 1, 1, 45, tzinfo=zone)),
                       (other_patient, datetime.datetime(2026, 11, 1, 1, 30, tzinfo=zone, fold=1))):
        start = start.astimezone(datetime.UTC)  # 30 minutes of time, not of the clock
        Appointment.objects.create(patient=who, practitioner=practitioner, site=clinic, company=clinic.company,
                                   service_type=consult, start=start, end=start + datetime.timedelta(minutes=30))
    client.force_login(reception)
    booked, free = _book_cells(client.get(_day_url(clinic, date="2026-11-01")).content.decode())
    assert booked == {"01:45–01:15": (8, 2), "01:30–02:00": (7, 2)}
    assert [row for row, _ in free] == [1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16]


def test_the_day_views_hours_are_the_slot_finders_working_ranges(clinic, practitioner, physio, staff):
    """The day view reads each practitioner's hours in its one query; they are the ranges the slot
    finder reads (``availability.working_ranges``): the date's overrides, else the weekly ranges
    valid that day."""
    from apps.scheduling import availability, selectors
    from apps.scheduling.models import AvailabilityOverride, WeeklyAvailability
    from apps.tenants.roles import Role

    away = staff(Role.PRACTITIONER)
    tuesday, company = datetime.date(2026, 12, 1), clinic.company
    for person, start, end, extra in ((practitioner, 9, 12, {}), (practitioner, 13, 17, {}),
                                      (practitioner, 7, 8, {"valid_until": datetime.date(2026, 11, 30)}),
                                      (practitioner, 18, 19, {"valid_from": datetime.date(2026, 12, 1)}),
                                      (physio, 8, 18, {}), (away, 8, 18, {})):
        WeeklyAvailability.objects.create(practitioner=person, site=clinic, company=company, weekday=1,
                                          start_time=datetime.time(start), end_time=datetime.time(end), **extra)
    AvailabilityOverride.objects.create(practitioner=physio, site=clinic, company=company, date=tuesday,
                                        start_time=datetime.time(14), end_time=datetime.time(15))
    AvailabilityOverride.objects.create(practitioner=physio, site=clinic, company=company, date=tuesday,
                                        start_time=datetime.time(10, 30), end_time=datetime.time(11))
    AvailabilityOverride.objects.create(practitioner=away, site=clinic, company=company, date=tuesday,
                                        unavailable=True)
    for day in (tuesday, tuesday + datetime.timedelta(days=7), tuesday - datetime.timedelta(days=7)):
        people = selectors.day_practitioners(site=clinic, day=day)
        expected = availability.working_ranges(site=clinic, practitioner_ids=[pk for pk, _, _ in people],
                                               first_day=day, last_day=day)
        assert {pk: hours for pk, _, hours in people} == {pk: hours for (pk, _), hours in expected.items()}
    hours = {pk: hours for pk, _, hours in selectors.day_practitioners(site=clinic, day=tuesday)}
    assert hours[physio.pk] == [(datetime.time(10, 30), datetime.time(11)), (datetime.time(14), datetime.time(15))]
    assert hours[away.pk] == []
    assert hours[practitioner.pk] == [(datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(17)),
                                      (datetime.time(18), datetime.time(19))]
