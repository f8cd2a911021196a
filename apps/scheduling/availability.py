"""Availability and the slot finder (seed 003).

A practitioner works at a site in weekly ranges (several a day), in the site's local time.
A date with override rows uses those instead (an ``unavailable`` row closes the day); time off
removes every slot it touches, at any site. A slot is free when the practitioner has no blocking
appointment overlapping it (anywhere), and — for a service that needs a room or equipment — a
resource of that kind at the site is free too. Slots start every ``slot_step_minutes`` from the
start of each range and end inside it. The finder reads a fixed number of queries whatever the
number of days or practitioners.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    AvailabilityOverride,
    TimeOff,
    WeeklyAvailability,
)
from apps.scheduling.recurrence import localise
from apps.scheduling.selectors import scheduling_settings


@dataclass(frozen=True)
class Slot:
    practitioner: object
    start: datetime.datetime
    end: datetime.datetime
    resource: object = None

    @property
    def key(self) -> str:
        return f"{self.practitioner.pk}|{self.start.isoformat()}"


def working_ranges(*, site, practitioner_ids, first_day, last_day) -> dict:
    """{(practitioner_id, date): [(start_time, end_time)]} for the days in [first_day, last_day]
    (two queries of values, no model instances)."""
    weekly = defaultdict(list)
    for pid, weekday, start, end, valid_from, valid_until in WeeklyAvailability.objects.for_company(
            site.company_id).filter(site=site, practitioner_id__in=practitioner_ids).order_by("start_time").values_list(
            "practitioner_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"):
        weekly[(pid, weekday)].append((start, end, valid_from, valid_until))
    overrides = defaultdict(list)
    for pid, date, start, end, unavailable in AvailabilityOverride.objects.for_company(site.company_id).filter(
            site=site, practitioner_id__in=practitioner_ids, date__gte=first_day, date__lte=last_day).order_by(
            "start_time").values_list("practitioner_id", "date", "start_time", "end_time", "unavailable"):
        overrides[(pid, date)].append((start, end, unavailable))
    ranges = {}
    day = first_day
    while day <= last_day:
        for pid in practitioner_ids:
            if (pid, day) in overrides:
                ranges[(pid, day)] = [(start, end) for start, end, unavailable in overrides[(pid, day)] if not unavailable]
            else:
                ranges[(pid, day)] = [(start, end) for start, end, valid_from, valid_until in weekly[(pid, day.weekday())]
                                      if (valid_from is None or valid_from <= day)
                                      and (valid_until is None or day <= valid_until)]
        day += datetime.timedelta(days=1)
    return ranges


def _practitioners(site, service_type, practitioner):
    from apps.tenants.models import User

    if practitioner is not None:
        return [practitioner]
    offered = list(service_type.practitioners.all())
    if offered:
        return offered
    ids = WeeklyAvailability.objects.for_company(site.company_id).filter(site=site).values_list(
        "practitioner_id", flat=True).distinct()
    return list(User.objects.for_company(site.company_id).filter(pk__in=list(ids), is_active=True))


def _busy(intervals_by_key, start, end, key) -> bool:
    return any(s < end and start < e for s, e in intervals_by_key.get(key, ()))


def free_slots(*, site, service_type, first_day, days=1, practitioner=None, public=False, now=None,
               step_minutes=None) -> list[Slot]:
    """Free slots for ``service_type`` at ``site`` on ``days`` days from ``first_day`` (site-local
    dates), for one practitioner or every one who offers it. ``public``: only past the company's
    minimum notice and within its booking horizon (the self-booking page)."""
    from apps.tenants.models import Resource

    settings_row = scheduling_settings(site.company_id)
    step = datetime.timedelta(minutes=step_minutes or settings_row.slot_step_minutes)
    duration = datetime.timedelta(minutes=service_type.duration_minutes)
    zone = ZoneInfo(site.time_zone)
    now = now or timezone.now()
    earliest = now + datetime.timedelta(minutes=settings_row.self_booking_min_notice_minutes) if public else now
    latest = now + datetime.timedelta(days=settings_row.self_booking_horizon_days) if public else None
    last_day = first_day + datetime.timedelta(days=max(days, 1) - 1)
    people = _practitioners(site, service_type, practitioner)
    if not people:
        return []
    ids = [p.pk for p in people]
    window_start = localise(datetime.datetime.combine(first_day, datetime.time.min), site.time_zone)
    window_end = localise(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min),
                          site.time_zone)
    ranges = working_ranges(site=site, practitioner_ids=ids, first_day=first_day, last_day=last_day)
    busy = defaultdict(list)
    for pid, s, e in Appointment.objects.for_company(site.company_id).filter(
            practitioner_id__in=ids, status__in=BLOCKING_STATUSES, overbooked=False, start__lt=window_end,
            end__gt=window_start).values_list("practitioner_id", "start", "end"):
        busy[pid].append((s, e))
    for pid, s, e in TimeOff.objects.for_company(site.company_id).filter(
            practitioner_id__in=ids, start__lt=window_end, end__gt=window_start).values_list("practitioner_id", "start", "end"):
        busy[pid].append((s, e))
    resources, resource_busy = [], defaultdict(list)
    if service_type.needs_resource:
        resources = list(Resource.objects.for_company(site.company_id).filter(
            site=site, kind=service_type.resource_kind, is_active=True).order_by("name"))
        for rid, s, e in Appointment.objects.for_company(site.company_id).filter(
                resource__in=resources, status__in=BLOCKING_STATUSES, start__lt=window_end,
                end__gt=window_start).values_list("resource_id", "start", "end"):
            resource_busy[rid].append((s, e))
        if not resources:
            return []
    slots = []
    for person in people:
        day = first_day
        while day <= last_day:
            for range_start, range_end in ranges.get((person.pk, day), ()):
                local = datetime.datetime.combine(day, range_start)
                stop = datetime.datetime.combine(day, range_end)
                while local + duration <= stop:
                    start = localise(local, site.time_zone)
                    end = start + duration
                    local += step
                    if start < earliest or (latest is not None and start > latest):
                        continue
                    if _busy(busy, start, end, person.pk):
                        continue
                    resource = None
                    if service_type.needs_resource:
                        resource = next((r for r in resources if not _busy(resource_busy, start, end, r.pk)), None)
                        if resource is None:
                            continue
                    slots.append(Slot(practitioner=person, start=start.astimezone(zone), end=end.astimezone(zone),
                                      resource=resource))
            day += datetime.timedelta(days=1)
    slots.sort(key=lambda slot: (slot.start, str(slot.practitioner)))
    return slots


def is_free_slot(*, site, service_type, practitioner, start, public=False) -> bool:
    """``start`` is one of the practitioner's free slots (re-checked when a public request is made)."""
    zone = ZoneInfo(site.time_zone)
    day = start.astimezone(zone).date()
    return any(slot.start == start for slot in free_slots(
        site=site, service_type=service_type, first_day=day, practitioner=practitioner, public=public))
