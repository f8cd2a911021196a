"""What patients see: the public booking page and its signed single-use link, the waitlist offer
when a time comes free, and reminders before each booked appointment (each sent once)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.clinical.models import Patient
from apps.scheduling import jobs, services
from apps.scheduling.models import (
    Appointment,
    BookingRequest,
    PatientContactPreference,
    Reminder,
    SchedulingSettings,
    WaitlistEntry,
)

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _next_weekday(days_ahead=3):
    day = timezone.now().date() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_a_new_patient_books_online_confirms_by_the_emailed_link_once(client, clinic, practitioner, consult,
                                                                      weekday_hours, reception,
                                                                      django_capture_on_commit_callbacks):
    page = reverse("scheduling:public_book", kwargs={"site_id": clinic.pk})
    day = _next_weekday()
    response = client.get(page, {"service_type": consult.pk, "date": day.isoformat()})
    assert response.status_code == 200
    slot = response.context["slots"][0]
    assert slot.start.astimezone(datetime.UTC) > timezone.now() + datetime.timedelta(hours=24)  # minimum notice
    value = f"{slot.practitioner.pk}|{slot.start.isoformat()}"
    details = {"first_name": "Ada", "last_name": "Quinn", "date_of_birth": "1985-04-02", "email": "ada@example.org",
               "phone": "", "slot": value, "service_type": str(consult.pk), "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(page + f"?service_type={consult.pk}&date={day}", details)
    assert sent.status_code == 200 and "Check your e-mail" in sent.content.decode()
    assert not Appointment.objects.for_company(clinic.company).exists()  # nothing booked before confirming
    link = _link(mail.outbox[-1])
    assert client.get(link).status_code == 200  # a mail scanner following the link books nothing
    assert not Appointment.objects.for_company(clinic.company).exists()
    confirmed = client.post(link)
    assert "Booked." in confirmed.content.decode()
    booked = Appointment.objects.for_company(clinic.company).get()
    assert booked.booked_online and booked.booked_by is None and booked.start == slot.start
    patient = Patient.objects.for_company(clinic.company).get(last_name="Quinn")
    assert booked.patient == patient and patient.email == "ada@example.org"
    client.post(link)  # single use: a second press books nothing more
    assert Appointment.objects.for_company(clinic.company).count() == 1


def test_a_slot_taken_before_the_link_is_confirmed_is_refused_cleanly(client, clinic, practitioner, consult,
                                                                      weekday_hours, reception, patient,
                                                                      django_capture_on_commit_callbacks):
    day = _next_weekday()
    from apps.scheduling.recurrence import localise

    start = localise(datetime.datetime.combine(day, datetime.time(10)), clinic.time_zone)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.booking_request_create(site=clinic, service_type=consult, practitioner=practitioner, start=start,
                                              first_name="Ada", last_name="Quinn",
                                              date_of_birth=datetime.date(1985, 4, 2), email="ada@example.org")
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=start)
    response = client.post(_link(mail.outbox[-1]))
    assert response.status_code == 200 and "taken" in response.content.decode()
    row.refresh_from_db()
    assert row.state == BookingRequest.State.FAILED
    assert Appointment.objects.for_company(clinic.company).count() == 1


def test_a_tampered_link_is_refused(client):
    response = client.get(reverse("scheduling:public_confirm", kwargs={"token": "not-a-token"}))
    assert response.status_code == 410


def test_a_service_not_bookable_online_is_not_offered(client, clinic, physio_session, consult):
    response = client.get(reverse("scheduling:public_book", kwargs={"site_id": clinic.pk}))
    assert list(response.context["service_types"]) == [consult]


def test_when_rita_cancels_the_waitlisted_patient_is_offered_the_time_and_takes_it(
        client, reception, practitioner, patient, other_patient, clinic, consult, django_capture_on_commit_callbacks):
    from apps.scheduling.recurrence import localise

    start = localise(datetime.datetime.combine(_next_weekday(), datetime.time(11)), clinic.time_zone)
    booked = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                       service_type=consult, start=start)
    entry = services.waitlist_add(actor=reception, patient=other_patient, site=clinic, service_type=consult,
                                  urgency=WaitlistEntry.Urgency.URGENT, preferred_practitioners=[practitioner])
    services.waitlist_add(actor=reception, patient=other_patient, site=clinic, service_type=consult,
                          free_times=[{"weekday": (start.weekday() + 1) % 7, "start": "08:00", "end": "18:00"}])
    client.force_login(reception)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=reception, appointment=booked, reason="Feeling better")
    day = client.get(reverse("scheduling:day", kwargs={"site_id": clinic.pk}),
                     {"date": start.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).date().isoformat()})
    assert "Waitlist matches" in day.content.decode()  # staff see the match at once
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.OFFERED and entry.offered_appointment == booked
    offer = [m for m in mail.outbox if m.to == ["tom@example.org"]]
    assert len(offer) == 1  # the other entry's free times do not fit
    client.logout()
    taken = client.post(_link(offer[0]))
    assert "Booked." in taken.content.decode()
    entry.refresh_from_db()
    assert entry.state == WaitlistEntry.State.BOOKED
    assert entry.booked_appointment.patient == other_patient and entry.booked_appointment.start == start


def test_reminders_go_48h_and_2h_before_by_email_and_sms_each_once(reception, practitioner, patient, other_patient,
                                                                   clinic, consult, sms_outbox):
    now = timezone.now()
    start = now + datetime.timedelta(hours=47)
    appointment = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner,
                                            site=clinic, service_type=consult, start=start)
    PatientContactPreference.objects.create(patient=other_patient, company=clinic.company, sms_reminders=False)
    services.appointment_book(actor=reception, patient=other_patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=start + datetime.timedelta(minutes=30))
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=now) == 3  # Margaret: e-mail + SMS; Tom: e-mail
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=now) == 0  # exactly once
    assert [m.to for m in sms_outbox] == ["+1 555 0100"]
    assert len(mail.outbox) == 2
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=start - datetime.timedelta(hours=3)) == 0
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=start - datetime.timedelta(hours=2)) == 2
    assert Reminder.objects.for_company(clinic.company).filter(appointment=appointment).count() == 4
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=start - datetime.timedelta(minutes=80)) == 1  # Tom
    services.appointment_cancel(actor=reception, appointment=appointment, reason="Away")
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=start - datetime.timedelta(minutes=30)) == 0


def test_per_company_lead_times_are_honoured(reception, practitioner, patient, clinic, consult):
    SchedulingSettings.objects.create(company=clinic.company, reminder_leads_minutes=[24 * 60])
    start = timezone.now() + datetime.timedelta(hours=30)
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=start)
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=timezone.now()) == 0
    assert jobs.reminders_send_due(company_id=clinic.company_id, now=start - datetime.timedelta(hours=24)) == 2


def test_no_shows_and_late_cancellations_are_counted_per_patient(reception, practitioner, patient, clinic, consult):
    from apps.scheduling.selectors import attendance_counts

    soon = timezone.now() + datetime.timedelta(hours=3)
    late = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                     service_type=consult, start=soon)
    services.appointment_cancel(actor=reception, appointment=late, reason="Car broke down")
    early = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                      service_type=consult, start=soon + datetime.timedelta(days=5))
    services.appointment_cancel(actor=reception, appointment=early, reason="Holiday")
    missed = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                                       service_type=consult, start=soon + datetime.timedelta(hours=1))
    services.appointment_set_status(actor=reception, appointment=missed, status=Appointment.Status.NOSHOW)
    assert attendance_counts(company_id=clinic.company_id, patient_ids=[patient.pk])[patient.pk] == {
        "noshows": 1, "late_cancellations": 1}
