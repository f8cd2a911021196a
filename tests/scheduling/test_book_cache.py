"""Rita keeps the day view open and reloads it all day; the book comes from the cache until
something on it changes (apps.scheduling.book_cache). Every change anyone makes — a colleague's
booking, a cancellation, a renamed patient, new hours, a no-show — shows on her next reload, every
reload is still access-logged, and the cache never opens a book to another company."""

import datetime

import pytest
from django.urls import reverse

from apps.audit.models import AccessLog
from apps.clinical.services.patients import patient_update
from apps.scheduling import services
from apps.scheduling.models import Appointment
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
S = Appointment.Status
DAY = "2026-12-01"  # a Tuesday


def _day(client, clinic, **query):
    url = reverse("scheduling:day", kwargs={"site_id": clinic.pk})
    response = client.get(url, {"date": DAY, **query})
    assert response.status_code == 200
    return response.content.decode()


def test_rita_sees_the_booking_pat_made_at_his_desk_on_her_next_reload(client, reception, practitioner, patient,
                                                                        clinic, consult, weekday_hours):
    client.force_login(reception)
    assert "Margaret Holloway" not in _day(client, clinic)
    assert "Margaret Holloway" not in _day(client, clinic)  # unchanged: from the cache
    services.appointment_book(actor=practitioner, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    page = _day(client, clinic)
    assert "Margaret Holloway" in page and "09:30 free" not in page


def test_a_cancelled_appointment_frees_its_cell_on_the_next_reload(client, reception, practitioner, patient,
                                                                    clinic, consult, weekday_hours):
    booked = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                       service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    assert "09:30 free" not in _day(client, clinic)
    response = client.post(reverse("scheduling:appointment_cancel", kwargs={"appointment_id": booked.pk}),
                           {"reason": "Called to cancel", "scope": "one"})
    assert response.status_code == 302
    assert "09:30 free" in _day(client, clinic)


def test_margarets_new_name_shows_on_the_next_reload(client, reception, practitioner, patient, clinic, consult,
                                                     weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    assert "Margaret Holloway" in _day(client, clinic)
    patient_update(actor=reception, patient=patient, data={"last_name": "Okonjo"})
    page = _day(client, clinic)
    assert "Margaret Okonjo" in page and "Margaret Holloway" not in page


def test_pats_evening_hours_show_as_free_cells_on_the_next_reload(client, reception, practitioner, clinic,
                                                                   weekday_hours):
    client.force_login(reception)
    assert "17:30 free" not in _day(client, clinic)
    services.weekly_availability_add(actor=reception, practitioner=practitioner, site=clinic, weekday=1,
                                     start_time=datetime.time(17), end_time=datetime.time(19))
    assert "17:30 free" in _day(client, clinic)


def test_margarets_no_show_last_week_is_counted_on_the_next_reload(client, reception, practitioner, patient,
                                                                    clinic, consult, weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    last_week = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                          service_type=consult, start=at("2026-11-24", "09:30"))
    client.force_login(reception)
    assert "1 no-show" not in _day(client, clinic)
    services.appointment_set_status(actor=reception, appointment=last_week, status=S.NOSHOW)
    assert "1 no-show" in _day(client, clinic)


def test_the_rooms_layout_is_kept_apart_from_the_practitioners(client, reception, practitioner, patient, clinic,
                                                               consult, room, weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"), resource=room)
    client.force_login(reception)
    by_people = _day(client, clinic)
    by_room = _day(client, clinic, by="room")
    assert "Pat Okafor" in by_people  # a practitioner's column
    assert "Room 1" in by_room and "Pat Okafor" in by_room  # the room's column names the practitioner
    assert by_room.count('data-testid="free"') != by_people.count('data-testid="free"')


def test_every_reload_is_access_logged_even_when_the_book_comes_from_the_cache(client, reception, practitioner,
                                                                               patient, clinic, consult,
                                                                               weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    for _ in range(3):
        _day(client, clinic)
    entries = AccessLog.objects.for_company(clinic.company).filter(actor=reception, entity_type="clinical.Patient",
                                                                   entity_id=str(patient.pk), action="list")
    assert entries.count() == 3


def test_charlie_from_southbay_gets_404_for_the_book_rita_just_cached(client, reception, southbay_charlie,
                                                                      practitioner, patient, clinic, consult,
                                                                      weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at(DAY, "09:30"))
    client.force_login(reception)
    assert "Margaret Holloway" in _day(client, clinic)
    client.force_login(southbay_charlie)
    response = client.get(reverse("scheduling:day", kwargs={"site_id": clinic.pk}), {"date": DAY})
    assert response.status_code == 404
    assert b"Margaret" not in response.content
