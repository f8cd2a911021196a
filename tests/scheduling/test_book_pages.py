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
    from apps.tenants.roles import Role

    people = [staff(Role.PRACTITIONER) for _ in range(10)]
    client.force_login(reception)
    _fill(clinic, people[:3], consult, 2)
    client.get(_day_url(clinic))  # warm the per-process caches (content types, templates)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(_day_url(clinic)).status_code == 200
    _fill(clinic, people, consult, 20)  # 10 practitioners, 200 appointments
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_day_url(clinic))
    assert response.content.decode().count('data-testid="appointment"') == 200
