import datetime
from zoneinfo import ZoneInfo

from apps.scheduling import signing
from apps.scheduling.models import (
    Appointment,
    BookingRequest,
    PractitionerFeed,
    ServiceType,
    WaitlistEntry,
    WeeklyAvailability,
)
from tests.factories import UserFactory

START = datetime.datetime(2027, 2, 2, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def build(world):
    """Northwind's book at its secret clinic: a service, Dr Secretdoc's hours and appointment, a
    series-less waitlist entry, a pending self-booking request, a calendar link."""
    site, patient, company = world["clinical_site"], world["patient"], world["company"]
    doctor = UserFactory(company=company, first_name="Northwind", last_name="Secretdoc")
    service = ServiceType.objects.create(company=company, name="Northwind Secret Physio", duration_minutes=30,
                                         bookable_online=True)
    hours = WeeklyAvailability.objects.create(practitioner=doctor, site=site, company=company, weekday=1,
                                              start_time=datetime.time(9), end_time=datetime.time(17))
    appointment = Appointment.objects.create(patient=patient, practitioner=doctor, site=site, company=company,
                                             service_type=service, start=START,
                                             end=START + datetime.timedelta(minutes=30), note="Northwind secret note")
    entry = WaitlistEntry.objects.create(patient=patient, site=site, service_type=service, company=company)
    request_row = BookingRequest.objects.create(site=site, service_type=service, practitioner=doctor, company=company,
                                                start=START + datetime.timedelta(hours=2), first_name="Nwbooker",
                                                last_name="Secretperson", date_of_birth=datetime.date(1990, 1, 1),
                                                email="nwbooker@example.org")
    feed = PractitionerFeed.objects.create(owner=doctor, company=company, token="northwind-secret-feed-token")
    world.update(sched_doctor=doctor, sched_service=service, sched_hours=hours, appointment=appointment,
                 waitlist_entry=entry, booking_request=request_row, sched_feed=feed,
                 confirm_token=signing.confirm_token(request_row), offer_token=signing.offer_token(entry, appointment))
    world["markers"] += ["Northwind Secret Physio", "Secretdoc", "Northwind secret note", "Nwbooker"]


def build_own(own, user):
    """Charlie's own appointment at his Southbay clinic, with his own patient record."""
    service = ServiceType.objects.create(company=user.company, name="Southbay check", duration_minutes=20)
    site, patient = own["clinical_site"], own["patient"]
    start = datetime.datetime(2027, 2, 3, 9, 0, tzinfo=ZoneInfo(site.time_zone))
    appointment = Appointment.objects.create(patient=patient, practitioner=user, site=site, company=user.company,
                                             service_type=service, start=start,
                                             end=start + datetime.timedelta(minutes=20))
    own.update(sched_service=service, appointment=appointment)


def _site(w):
    return {"site_id": w["clinical_site"].pk}


def _appointment(w):
    return {"appointment_id": w["appointment"].pk}


SAMPLES = {
    "scheduling:day": _site,
    "scheduling:today": _site,
    "scheduling:book": _site,
    "scheduling:series_new": _site,
    "scheduling:slots": _site,
    "scheduling:waitlist": _site,
    "scheduling:working_hours": _site,
    "scheduling:working_hours_remove": lambda w: {"site_id": w["clinical_site"].pk,
                                                  "availability_id": w["sched_hours"].pk},
    "scheduling:week": lambda w: {"practitioner_id": w["sched_doctor"].pk},
    "scheduling:appointment": _appointment,
    "scheduling:appointment_status": _appointment,
    "scheduling:appointment_cancel": _appointment,
    "scheduling:appointment_move": _appointment,
    "scheduling:waitlist_remove": lambda w: {"entry_id": w["waitlist_entry"].pk},
    "scheduling:contact_preference": lambda w: {"patient_id": w["patient"].pk},
    "scheduling:patient_appointments": lambda w: {"patient_id": w["patient"].pk},
    "scheduling:feed_revoke": lambda w: {"feed_id": w["sched_feed"].pk},
    "scheduling:feed_ics": lambda w: {"token": w["sched_feed"].token},
    # Public pages: signed in to Southbay, Charlie gets 404 for Northwind's booking page and links.
    "scheduling:public_book": _site,
    "scheduling:public_confirm": lambda w: {"token": w["confirm_token"]},
    "scheduling:public_offer": lambda w: {"token": w["offer_token"]},
    "scheduling-appointment-detail": _appointment,
    "scheduling-appointment-cancel": _appointment,
    "scheduling-series-detail": lambda w: {"series_id": w["appointment"].pk},  # no such series anywhere: 404
    "fhir-appointment": _appointment,
    "fhir-schedule": lambda w: {"practitioner_id": w["sched_doctor"].pk},
}


def _booking(w):
    """Northwind's patient, doctor, site and service: each unknown here (form error 200; API 400)."""
    return {"patient": str(w["patient"].pk), "practitioner": str(w["sched_doctor"].pk),
            "site": str(w["clinical_site"].pk), "service_type": str(w["sched_service"].pk),
            "start": "2027-02-02T11:00", "resource": "", "rrule": "FREQ=WEEKLY;COUNT=2", "key": "", "note": "walk"}


def _api_booking(w):
    return {**_booking(w), "resource": None}


QUERIES = {
    "scheduling:home": lambda w: {"site": str(w["clinical_site"].pk)},
    "scheduling:feeds": lambda w: {"feed": str(w["sched_feed"].pk)},
    "scheduling:service_types": lambda w: {"edit": str(w["sched_service"].pk)},  # 404: not Charlie's service
    "scheduling-slot-list": lambda w: {"site": str(w["clinical_site"].pk), "service_type": str(w["sched_service"].pk)},
    "scheduling-appointment-list": lambda w: {"site": str(w["clinical_site"].pk), "patient": str(w["patient"].pk),
                                              "practitioner": str(w["sched_doctor"].pk), "date": "2027-02-02"},
    "scheduling-series-list": lambda w: {"patient": str(w["patient"].pk)},
    "scheduling-waitlist-list": lambda w: {"site": str(w["clinical_site"].pk)},
    "fhir-appointment-search": lambda w: {"patient": f"Patient/{w['patient'].pk}"},
    "fhir-slot-search": lambda w: {"site": str(w["clinical_site"].pk), "service-type": str(w["sched_service"].pk),
                                   "schedule": f"Schedule/{w['sched_doctor'].pk}"},
}
BODIES = {
    "scheduling:book": _booking,
    "scheduling:series_new": _booking,
    "scheduling:waitlist": lambda w: {"patient": str(w["patient"].pk), "service_type": str(w["sched_service"].pk),
                                      "preferred_practitioners": [str(w["sched_doctor"].pk)], "urgency": "1"},
    "scheduling:working_hours": lambda w: {"weekday": "1", "start_time": "09:00", "end_time": "10:00",
                                           "practitioner": str(w["sched_doctor"].pk)},
    "scheduling:appointment_status": lambda w: {"status": "noshow", "appointment": str(w["appointment"].pk)},
    "scheduling:appointment_cancel": lambda w: {"reason": "walk", "scope": "series"},
    "scheduling:appointment_move": lambda w: {"start": "2027-02-02T12:00", "practitioner": str(w["sched_doctor"].pk),
                                              "scope": "one"},
    "scheduling:waitlist_remove": lambda w: {"reason": "walk"},
    "scheduling:contact_preference": lambda w: {"email_reminders": "on", "patient": str(w["patient"].pk)},
    # A service offered by Northwind's doctor at Northwind's site: not choices here (form error 200).
    "scheduling:service_types": lambda w: {"name": "Walk service", "duration_minutes": "30", "price": "10",
                                           "colour": "#123456", "practitioners": [str(w["sched_doctor"].pk)],
                                           "sites": [str(w["clinical_site"].pk)]},
    "scheduling:public_book": lambda w: {"first_name": "Walk", "last_name": "Walker", "date_of_birth": "1990-01-01",
                                         "email": "walk@example.org", "service_type": str(w["sched_service"].pk),
                                         "slot": f"{w['sched_doctor'].pk}|2027-02-02T11:00:00-05:00"},
    "scheduling:public_confirm": lambda w: {"confirm": "1"},
    "scheduling:public_offer": lambda w: {"take": "1"},
    "scheduling-appointment-list": _api_booking,
    "scheduling-appointment-detail": lambda w: {"practitioner": str(w["sched_doctor"].pk), "start": "2027-02-03T10:00"},
    "scheduling-appointment-cancel": lambda w: {"reason": "walk", "scope": "one"},
    "scheduling-series-list": _api_booking,
    "scheduling-waitlist-list": lambda w: {"patient": str(w["patient"].pk), "site": str(w["clinical_site"].pk),
                                           "service_type": str(w["sched_service"].pk),
                                           "preferred_practitioners": [str(w["sched_doctor"].pk)]},
}
NO_BODY = {
    "scheduling:home": "read-only page",
    "scheduling:day": "read-only page",
    "scheduling:today": "read-only page",
    "scheduling:week": "read-only page",
    "scheduling:slots": "read-only page",
    "scheduling:appointment": "read-only panel",
    "scheduling:patient_appointments": "read-only card",
    "scheduling:working_hours_remove": "the range is the path argument; no input",
    "scheduling:feeds": "creating a link takes no input (it is the signed-in person's)",
    "scheduling:feed_revoke": "the link is the path argument; no input",
    "scheduling:feed_ics": "read-only calendar",
    "scheduling-slot-list": "read-only API (QUERIES)",
    "scheduling-series-detail": "read-only API",
    "fhir-appointment": "read-only FHIR resource",
    "fhir-appointment-search": "read-only FHIR search",
    "fhir-schedule": "read-only FHIR resource",
    "fhir-slot-search": "read-only FHIR search",
}
OWN_SAMPLES = {
    # Charlie's own appointment and clinic, with Northwind's doctor, patient, service in the body:
    # refused (form error 200 / API 400), nothing points at Northwind.
    "scheduling:book": lambda own: {"site_id": own["clinical_site"].pk},
    "scheduling:series_new": lambda own: {"site_id": own["clinical_site"].pk},
    "scheduling:waitlist": lambda own: {"site_id": own["clinical_site"].pk},
    "scheduling:appointment_move": lambda own: {"appointment_id": own["appointment"].pk},
    "scheduling-appointment-detail": lambda own: {"appointment_id": own["appointment"].pk},
}
