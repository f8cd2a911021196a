"""RFC 5545 calendars of rotation assignments (one all-day VEVENT per assignment)."""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event, Timezone

DEFAULT_TIME_ZONE = "America/New_York"


def calendar_for(*, name: str, assignments) -> bytes:
    assignments = list(assignments)
    cal = Calendar()
    cal.add("prodid", "-//Rounds//Rotation schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    tzid = _time_zone(assignments)
    cal.add("x-wr-timezone", tzid)
    cal.add_component(Timezone.from_tzid(tzid))
    stamp = timezone.now()
    for assignment in assignments:
        cal.add_component(_event(assignment, stamp))
    return cal.to_ical()


def _time_zone(assignments) -> str:
    for assignment in assignments:
        if assignment.site_id:
            return assignment.site.time_zone
    return DEFAULT_TIME_ZONE


def _event(assignment, stamp) -> Event:
    event = Event()
    event.add("uid", f"{assignment.pk}@rounds")
    event.add("dtstamp", stamp)
    event.add("dtstart", assignment.start_date)
    event.add("dtend", assignment.end_date + datetime.timedelta(days=1))  # all-day end is exclusive
    event.add("summary", assignment.rotation_type.name)
    event.add("description", f"{assignment.learner} — {assignment.rotation_type.name}")
    if assignment.site_id:
        event.add("location", assignment.site.name)
    event.add("transp", "TRANSPARENT")
    return event
