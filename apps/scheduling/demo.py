"""Appointment book demo: a month of Harbor Street Clinic appointments around today (past ones
fulfilled, a few no-shows and late cancellations; today's partly checked in), weekly physio
series that cross the US daylight-saving changes (fall-back 2026-11-01, spring-forward
2027-03-14) and keep their local time, a waitlist, working hours, services and reminder lead
times. Southbay's clinic gets its services and hours only. Everything is booked through the
services (audit rows, history, the exclusion constraints). A clinic that already has
appointments is left alone, so seeding twice changes nothing."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.clinical.models import Patient
from apps.core.scoping import unscoped
from apps.scheduling import services
from apps.scheduling.models import Appointment, SchedulingSettings, ServiceType, WeeklyAvailability
from apps.tenants.models import User

SERVICES = [
    # name, minutes, price, colour, bookable online, needs a room
    ("Consultation", 30, "85.00", "#2563eb", True, False),
    ("Follow-up visit", 15, "45.00", "#0891b2", True, False),
    ("Physiotherapy session", 45, "70.00", "#16a34a", False, True),
    ("Initial physiotherapy assessment", 60, "110.00", "#ca8a04", False, True),
]
# (practitioner key, weekday ranges) — local time at the clinic
HOURS = {"practitioner": [(9, 0, 12, 0), (13, 0, 17, 0)], "practitioner2": [(8, 0, 12, 0), (13, 0, 16, 30)]}
SERIES = [
    # (first local start, rule, patient index) — each crosses a US daylight-saving change
    (datetime.datetime(2026, 10, 20, 9, 0), "FREQ=WEEKLY;BYDAY=TU;COUNT=10", 0),
    (datetime.datetime(2026, 10, 22, 14, 0), "FREQ=WEEKLY;BYDAY=TH;COUNT=8", 1),
    (datetime.datetime(2026, 10, 19, 8, 0), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=5", 2),
    (datetime.datetime(2027, 2, 24, 9, 0), "FREQ=WEEKLY;BYDAY=WE;COUNT=6", 3),
]


def seed(world, log=print):
    with unscoped("demo seeding: the appointment book of both tenants"):
        for subdomain in ("northwind", "southbay"):
            if subdomain in world:
                _seed_clinic(subdomain, world[subdomain], log, full=subdomain == "northwind")


def _staff(company, subdomain, key):
    return User.objects.filter(email=f"{key}@{subdomain}.example", company=company).first()


def _seed_clinic(subdomain, tenant, log, *, full):
    company, clinic = tenant["company"], tenant["sites"][1]
    reception = _staff(company, subdomain, "reception")
    people = {key: _staff(company, subdomain, key) for key in HOURS}
    people = {key: person for key, person in people.items() if person is not None}
    if reception is None or not people:
        log(f"scheduling: {clinic.name} has no clinic staff (run the clinical demo first); nothing to do")
        return
    if Appointment.objects.for_company(company).filter(site=clinic).exists():
        log(f"scheduling: {clinic.name} already has appointments; nothing to do")
        return
    SchedulingSettings.objects.get_or_create(company=company, defaults={"reminder_leads_minutes": [48 * 60, 120]})
    types = {}
    for name, minutes, price, colour, online, room in SERVICES:
        types[name], _ = ServiceType.objects.get_or_create(
            company=company, name=name,
            defaults={"duration_minutes": minutes, "price": Decimal(price), "colour": colour, "bookable_online": online,
                      "needs_resource": room, "resource_kind": "room" if room else ""})
    physio = people.get("practitioner2") or next(iter(people.values()))
    for name in ("Physiotherapy session", "Initial physiotherapy assessment"):
        types[name].practitioners.set([physio])
    for key, person in people.items():
        for weekday in range(5):
            for h1, m1, h2, m2 in HOURS[key]:
                WeeklyAvailability.objects.get_or_create(
                    practitioner=person, site=clinic, weekday=weekday, start_time=datetime.time(h1, m1),
                    end_time=datetime.time(h2, m2), defaults={"company": company})
    if not full:
        log(f"scheduling: {clinic.name}: services and working hours")
        return
    patients = list(Patient.objects.for_company(company).filter(home_site=clinic).order_by("mrn")[:120])
    if len(patients) < 20:
        log(f"scheduling: {clinic.name} has too few patients; skipped the appointments")
        return
    rng = random.Random(f"scheduling-{subdomain}")
    series = _series(reception, physio, clinic, types["Physiotherapy session"], patients)
    singles = _month(rng, reception, people, clinic, types, patients[10:])
    waiting = _waitlist(reception, people, clinic, types, patients[4:10])
    log(f"scheduling: {clinic.name}: {singles} appointments over a month, {series} series occurrences "
        f"across daylight-saving changes, {waiting} on the waitlist")


def _series(reception, physio, clinic, service, patients) -> int:
    count = 0
    for local_start, rule, index in SERIES:
        try:
            series = services.series_create(actor=reception, patient=patients[index], practitioner=physio, site=clinic,
                                            service_type=service, local_start=local_start, rrule=rule)
        except services.AppointmentConflict:
            continue
        now = timezone.now()
        for occurrence in series.occurrences.order_by("start"):
            count += 1
            if occurrence.end < now:
                services.appointment_set_status(actor=reception, appointment=occurrence,
                                                status=Appointment.Status.FULFILLED)
    return count


def _month(rng, reception, people, clinic, types, patients) -> int:
    """Weekdays from two weeks ago to two weeks ahead: each practitioner's day half to two-thirds full."""
    zone = ZoneInfo(clinic.time_zone)
    now = timezone.now()
    today = now.astimezone(zone).date()
    booked = 0
    general = [types["Consultation"], types["Follow-up visit"]]
    for offset in range(-14, 15):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for key, person in people.items():
            options = general if key == "practitioner" else general + [types["Initial physiotherapy assessment"]]
            for h1, m1, h2, m2 in HOURS[key]:
                local = datetime.datetime.combine(day, datetime.time(h1, m1))
                stop = datetime.datetime.combine(day, datetime.time(h2, m2))
                while local < stop:
                    service = rng.choice(options)
                    step = datetime.timedelta(minutes=service.duration_minutes)
                    if local + step > stop:
                        break
                    if rng.random() < 0.6:
                        start = local.replace(tzinfo=zone)
                        booked += _book_one(rng, reception, person, clinic, service, start, patients, now)
                    local += step
    return booked


def _book_one(rng, reception, person, clinic, service, start, patients, now) -> int:
    status = Appointment.Status
    try:
        appointment = services.appointment_book(actor=reception, patient=rng.choice(patients), practitioner=person,
                                                site=clinic, service_type=service, start=start)
    except services.ValidationError:
        return 0  # the patient or the room is busy then: the demo skips that slot
    roll = rng.random()
    if appointment.end < now:
        if roll < 0.05:
            services.appointment_set_status(actor=reception, appointment=appointment, status=status.NOSHOW)
        elif roll < 0.10:
            services.appointment_cancel(actor=reception, appointment=appointment, reason="Patient called to cancel")
        else:
            services.appointment_set_status(actor=reception, appointment=appointment, status=status.FULFILLED)
    elif appointment.start < now + datetime.timedelta(hours=1) and appointment.start > now - datetime.timedelta(hours=1):
        services.appointment_check_in(actor=reception, appointment=appointment)
    elif roll < 0.04:
        services.appointment_cancel(actor=reception, appointment=appointment, reason="Clashes with work")
    return 1


def _waitlist(reception, people, clinic, types, patients) -> int:
    practitioner = people.get("practitioner")
    specs = [
        (types["Consultation"], 3, [practitioner] if practitioner else [], []),
        (types["Consultation"], 1, [], [{"weekday": d, "start": "08:00", "end": "12:00"} for d in range(5)]),
        (types["Follow-up visit"], 2, [], [{"weekday": 4, "start": "13:00", "end": "17:00"}]),
        (types["Initial physiotherapy assessment"], 2, [], []),
    ]
    for patient, (service, urgency, preferred, free) in zip(patients, specs, strict=False):
        services.waitlist_add(actor=reception, patient=patient, site=clinic, service_type=service, urgency=urgency,
                              preferred_practitioners=preferred, free_times=free, note="Wants an earlier time")
    return min(len(patients), len(specs))
