"""The book's API (409 with the conflicting appointment), FHIR R4 Appointment/Schedule/Slot
validated with fhir.resources, and a practitioner's secret iCal link."""

import datetime

import pytest
from django.urls import reverse
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot
from icalendar import Calendar

from apps.audit.models import AccessLog
from apps.scheduling import services
from apps.scheduling.models import Appointment
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
URL = "/api/scheduling/appointments/"


def _body(patient, practitioner, clinic, service, start, **extra):
    return {"patient": str(patient.pk), "practitioner": str(practitioner.pk), "site": str(clinic.pk),
            "service_type": str(service.pk), "start": start, **extra}


def test_the_api_books_back_to_back_and_answers_409_naming_the_clash(client, reception, practitioner, patient,
                                                                    other_patient, clinic, consult):
    client.force_login(reception)
    first = client.post(URL, _body(patient, practitioner, clinic, consult, "2026-12-01T09:00"),
                        content_type="application/json")
    assert first.status_code == 201, first.json()
    assert first.json()["local_start"] == "2026-12-01T09:00:00-05:00"
    back_to_back = client.post(URL, _body(other_patient, practitioner, clinic, consult, "2026-12-01T14:30:00Z"),
                               content_type="application/json")
    assert back_to_back.status_code == 201  # 09:30 New York
    from tests.clinical.factories import PatientFactory

    clash = client.post(URL, _body(PatientFactory(home_site=clinic), practitioner, clinic, consult, "2026-12-01T08:45"),
                        content_type="application/json")
    assert clash.status_code == 409
    assert clash.json()["conflicts"] == [{
        "rule": "practitioner", "appointment": first.json()["id"], "start": "2026-12-01T14:00:00+00:00",
        "end": "2026-12-01T14:30:00+00:00", "practitioner": str(practitioner.pk), "status": "booked"}]
    assert Appointment.objects.for_company(clinic.company).count() == 2


def test_the_api_refuses_bad_input_with_field_errors(client, reception, practitioner, patient, clinic, consult,
                                                     southbay_charlie):
    client.force_login(reception)
    bad_time = client.post(URL, _body(patient, practitioner, clinic, consult, "next tuesday"),
                           content_type="application/json")
    assert bad_time.status_code == 400 and "start" in bad_time.json()
    foreign = client.post(URL, _body(patient, southbay_charlie, clinic, consult, "2026-12-01T09:00"),
                          content_type="application/json")
    assert foreign.status_code == 400 and "practitioner" in foreign.json()
    assert client.get(URL, {"date": "tomorrow"}).status_code == 400


def test_a_series_through_the_api_with_one_clash_is_a_409_listing_the_date(client, reception, physio, patient,
                                                                           other_patient, clinic, physio_session):
    client.force_login(reception)
    services.appointment_book(actor=reception, patient=other_patient, practitioner=physio, site=clinic,
                              service_type=physio_session, start=at("2026-11-17", "09:30"))
    body = _body(patient, physio, clinic, physio_session, "2026-10-27T09:00", rrule="FREQ=WEEKLY;COUNT=5")
    refused = client.post("/api/scheduling/series/", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["dates"] == ["2026-11-17"]
    ok = client.post("/api/scheduling/series/", {**body, "rrule": "FREQ=WEEKLY;COUNT=3"},
                     content_type="application/json")
    assert ok.status_code == 201
    # 2026-11-01 is the US fall-back: 09:00 local before and after, so the UTC hour moves.
    assert [o["local_start"][11:16] for o in ok.json()["occurrences"]] == ["09:00"] * 3
    assert [o["start"][11:13] for o in ok.json()["occurrences"]] == ["13", "14", "14"]


def test_check_in_and_cancel_through_the_api(client, reception, practitioner, patient, clinic, consult):
    appointment = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner,
                                            site=clinic, service_type=consult, start=at("2026-12-01", "09:00"))
    client.force_login(reception)
    url = f"{URL}{appointment.pk}/"
    assert client.patch(url, {"status": "checked-in"}, content_type="application/json").json()["status"] == "checked-in"
    refused = client.patch(url, {"status": "proposed"}, content_type="application/json")
    assert refused.status_code == 400 and "status" in refused.json()
    cancelled = client.post(f"{url}cancel/", {"reason": "Went home"}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()[0]["status"] == "cancelled"


def test_slots_skip_pats_booked_time_and_lunch(client, reception, practitioner, patient, clinic, consult,
                                               weekday_hours):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=at("2026-12-01", "09:00"))
    client.force_login(reception)
    response = client.get("/api/scheduling/slots/", {"site": clinic.pk, "service_type": consult.pk,
                                                     "date": "2026-12-01", "practitioner": practitioner.pk})
    starts = [slot["start"][11:16] for slot in response.json()["slots"]]
    assert starts[:3] == ["09:30", "09:45", "10:00"] and "11:30" in starts and "11:45" not in starts
    assert "12:00" not in starts and starts[-1] == "16:30"


def test_fhir_appointment_schedule_and_slots_validate_and_reads_are_logged(client, reception, practitioner, patient,
                                                                           clinic, consult, weekday_hours):
    appointment = services.appointment_book(actor=reception, patient=patient, practitioner=practitioner,
                                            site=clinic, service_type=consult, start=at("2026-12-01", "09:00"))
    client.force_login(reception)
    read = client.get(reverse("fhir-appointment", kwargs={"appointment_id": appointment.pk}))
    assert read.status_code == 200 and read["Content-Type"] == "application/fhir+json"
    resource = FhirAppointment.model_validate(read.json())
    assert resource.status == "booked" and resource.participant[0].actor.reference == f"Patient/{patient.pk}"
    search = Bundle.model_validate(client.get("/fhir/Appointment", {"patient": f"Patient/{patient.pk}"}).json())
    assert search.total == 1
    Schedule.model_validate(client.get(reverse("fhir-schedule", kwargs={"practitioner_id": practitioner.pk})).json())
    slots = client.get("/fhir/Slot", {"site": clinic.pk, "service-type": consult.pk, "start": "2026-12-01",
                                      "schedule": f"Schedule/{practitioner.pk}"}).json()
    bundle = Bundle.model_validate(slots)
    first = Slot.model_validate(slots["entry"][0]["resource"])
    assert bundle.total > 10 and first.status == "free" and first.start.isoformat().startswith("2026-12-01T09:30")
    assert AccessLog.objects.for_company(clinic.company).filter(actor=reception, action="view").exists()


def test_pats_secret_calendar_link_lists_her_appointments_with_initials_only(client, reception, practitioner, patient,
                                                                            clinic, consult):
    services.appointment_book(actor=reception, patient=patient, practitioner=practitioner, site=clinic,
                              service_type=consult, start=datetime.datetime.now(datetime.UTC).replace(
                                  microsecond=0) + datetime.timedelta(days=2))
    client.force_login(practitioner)
    client.post(reverse("scheduling:feeds"))
    feed = practitioner.appointment_feeds.get()
    client.logout()
    response = client.get(reverse("scheduling:feed_ics", kwargs={"token": feed.token}))
    assert response.status_code == 200
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Consultation — M.H."]
    assert b"Holloway" not in response.content
    client.force_login(practitioner)
    client.post(reverse("scheduling:feed_revoke", kwargs={"feed_id": feed.pk}))
    client.logout()
    assert client.get(reverse("scheduling:feed_ics", kwargs={"token": feed.token})).status_code == 404


def test_booking_a_practitioner_who_does_not_work_at_the_site_is_a_400_until_they_have_hours_there(
        client, reception, patient, clinic, consult, make_user, northwind):
    from apps.scheduling.models import WeeklyAvailability
    from apps.tenants.roles import Role
    from tests.factories import SiteFactory

    bay_road = SiteFactory(institution=clinic.institution, name="Bay Road Clinic")
    dev = make_user(northwind, Role.PRACTITIONER, site=bay_road, email="dev@northwind.example")
    client.force_login(reception)
    refused = client.post(URL, _body(patient, dev, clinic, consult, "2026-12-01T09:00"), content_type="application/json")
    assert refused.status_code == 400 and "does not work at Harbor Street Clinic" in str(refused.json()["practitioner"])
    assert not Appointment.objects.for_company(clinic.company).exists()
    WeeklyAvailability.objects.create(practitioner=dev, site=clinic, company=clinic.company, weekday=1,
                                      start_time=datetime.time(9), end_time=datetime.time(17))
    booked = client.post(URL, _body(patient, dev, clinic, consult, "2026-12-01T09:00"), content_type="application/json")
    assert booked.status_code == 201, booked.json()
