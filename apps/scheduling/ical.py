"""RFC 5545 calendar of a practitioner's appointments (one VEVENT per appointment, UTC times).

The feed leaves Rounds (it is read by Google, Apple or Outlook calendars), so an event names the
service, the site and the room, and the patient only by initials: the full record stays behind
the sign-in."""

from django.utils import timezone
from icalendar import Calendar, Event


def _initials(patient) -> str:
    return "".join(part[:1].upper() + "." for part in (patient.first_name, patient.last_name) if part)


def calendar_for(*, name: str, appointments) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Rounds//Appointment book//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for appointment in appointments:
        event = Event()
        event.add("uid", f"{appointment.pk}@rounds")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.start)
        event.add("dtend", appointment.end)
        event.add("summary", f"{appointment.service_type.name} — {_initials(appointment.patient)}")
        location = appointment.site.name + (f", {appointment.resource.name}" if appointment.resource_id else "")
        event.add("location", location)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
