"""Demo clinical hours (runs after academics, which made the programs, people and schedule).
Idempotent: a program that already has time records or work entries is left as it is.

* Northwind's clerkship: each rotation requires 160 hours; the demo student and five others have
  a semester of time records (clocked at the site, some flagged outside the geofence or without
  a location, one forgotten clock-out closed by the rule; most approved, the last fortnight
  pending, one needing information, one rejected).
* Northwind's surgery residency: rotation default hours (06:00–18:00 on weekdays), a call roster
  (in-house call every fourth night per resident, four weeks back and four ahead) and two months
  of logged hours for the demo resident and five others. The demo resident's include one
  80-hour breach (four heavy weeks) and one short rest after a 24-hour call.
"""

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from apps.academics.models import Learner, RotationAssignment, RotationType
from apps.core.scoping import unscoped
from apps.hours import rules
from apps.hours.findings import compliance_recompute_program
from apps.hours.models import HoursPolicy, PlannedShift, RotationHours, TimeRecord, WorkEntry

TZ = ZoneInfo("America/New_York")
STUDENTS, RESIDENTS = 6, 6


def seed(world, log=print):
    nw = world["northwind"]
    programs = nw.get("programs") or {}
    if not programs:
        log("hours: no programs (academics demo missing) — skipped")
        return
    with unscoped("demo seeding: clinical hours"):
        today = timezone.localtime(timezone.now(), TZ).date()
        for program in programs.values():
            HoursPolicy.objects.get_or_create(program=program, defaults={"company": program.company,
                                                                         "time_zone": "America/New_York"})
        students = _clerkship(nw, programs["clerkship"], today)
        residents = _surgery(nw, programs["surgery"], today)
    log(f"hours: {students} student time records, {residents} resident work entries, surgery call roster")


def _local(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


# ---------------------------------------------------------------- students
def _clerkship(nw, program, today):
    for rotation in RotationType.objects.filter(program=program):
        RotationHours.objects.get_or_create(rotation_type=rotation, defaults={
            "company": program.company, "required_hours": Decimal("160"), "default_start": dt.time(7),
            "default_end": dt.time(17)})
    if TimeRecord.objects.filter(learner__program=program).exists():
        return 0
    demo = nw["users"]["student"]
    learners = list(Learner.objects.filter(program=program, kind=Learner.Kind.STUDENT).order_by(
        "user__email").select_related("user"))
    learners = sorted(learners, key=lambda lr: lr.user_id != demo.pk)[:STUDENTS]
    assignments = list(RotationAssignment.objects.filter(learner__in=learners, start_date__lte=today)
                       .select_related("site", "primary_supervisor__user"))
    rng, rows = random.Random("hours-demo-students"), []
    first_day = max(today - dt.timedelta(days=150), min((a.start_date for a in assignments), default=today))
    for learner in learners:
        mine = [a for a in assignments if a.learner_id == learner.pk]
        day = first_day
        while day < today:
            assignment = next((a for a in mine if a.start_date <= day <= a.end_date), None)
            if assignment is not None and day.weekday() < 5 and rng.random() < 0.8:
                rows.append(_record(rng, learner, assignment, day, today, learner.user_id == demo.pk))
            day += dt.timedelta(days=1)
    bulk_create_with_history(rows, TimeRecord, default_user=nw["users"]["coordinator"])
    return len(rows)


def _record(rng, learner, assignment, day, today, is_demo):
    start = _local(day, 7, rng.randrange(0, 30)) + dt.timedelta(seconds=rng.randrange(60), milliseconds=rng.randrange(1000))
    end = start + dt.timedelta(hours=rng.choice([8, 9, 9.5, 10]), minutes=rng.randrange(0, 30))
    site = assignment.site
    record = TimeRecord(learner=learner, assignment=assignment, site=site, company=learner.company, clock_in=start,
                        clock_out=end, source=TimeRecord.Source.CLOCK, in_ip="198.51.100.23",
                        in_user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)",
                        out_ip="198.51.100.23", out_user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)")
    if site is not None and site.latitude is not None:
        jitter = Decimal(rng.randrange(-5, 6)) / Decimal(10000)  # up to ~55 m
        record.in_latitude = record.out_latitude = site.latitude + jitter
        record.in_longitude = record.out_longitude = site.longitude
        record.in_accuracy_m = record.out_accuracy_m = Decimal(rng.randrange(5, 30))
        record.in_distance_m = record.out_distance_m = abs(int(jitter * 111_000))
    roll = rng.random()
    if roll < 0.05:
        record.flag_outside_geofence, record.in_distance_m = True, rng.randrange(400, 2500)
        record.flag_reason = "Started at the satellite clinic across town"
    elif roll < 0.08:
        record.flag_no_location, record.in_latitude, record.in_longitude = True, None, None
        record.in_accuracy_m, record.in_distance_m = None, None
        record.flag_reason = "Phone's location was off"
    elif roll < 0.10:
        record.flag_auto_closed, end = True, start + dt.timedelta(hours=16)
        record.clock_out = end
        record.out_latitude = record.out_longitude = record.out_accuracy_m = record.out_distance_m = None
    record.total_hours = (Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.01"))
    supervisor = assignment.primary_supervisor.user if assignment.primary_supervisor else None
    if (today - day).days <= 14 or record.is_flagged and rng.random() < 0.5:
        record.status = TimeRecord.Status.PENDING
    elif is_demo and rng.random() < 0.03:
        record.status, record.decision_note = TimeRecord.Status.NEEDS_INFO, "Which clinic were you at that afternoon?"
    elif rng.random() < 0.02:
        record.status, record.decision_note = TimeRecord.Status.REJECTED, "You were on approved leave that day."
    else:
        record.status = TimeRecord.Status.APPROVED
    if record.status != TimeRecord.Status.PENDING and supervisor is not None:
        record.decided_by, record.decided_at = supervisor, end + dt.timedelta(days=2)
    elif record.status != TimeRecord.Status.PENDING:
        record.status = TimeRecord.Status.PENDING
    return record


# ---------------------------------------------------------------- residents
def _surgery(nw, program, today):
    for rotation in RotationType.objects.filter(program=program):
        night = rotation.code == "NF"
        RotationHours.objects.get_or_create(rotation_type=rotation, defaults={
            "company": program.company, "default_start": dt.time(18 if night else 6),
            "default_end": dt.time(7 if night else 18), "default_weekdays": "0123" if night else "01234"})
    if WorkEntry.objects.filter(learner__program=program).exists():
        return 0
    demo = nw["users"]["resident"]
    coordinator = nw["users"]["coordinator"]
    residents = list(Learner.objects.filter(program=program, kind=Learner.Kind.RESIDENT, pgy_level__gte=2)
                     .order_by("user__email").select_related("user"))
    residents = sorted(residents, key=lambda lr: lr.user_id != demo.pk)[:RESIDENTS]
    start = today - dt.timedelta(days=60)
    entries, calls = [], []
    for index, learner in enumerate(residents):
        rng = random.Random(f"hours-demo-{learner.user.email}")
        is_demo = learner.user_id == demo.pk
        day = start
        while day < today + dt.timedelta(days=28):
            offset = (day - start).days
            if (offset + index) % 4 == 0 and day.weekday() < 5:  # in-house call: every fourth night
                calls.append(PlannedShift(learner=learner, company=learner.company, kind=rules.IN_HOUSE_CALL,
                                          start=_local(day, 6), end=_local(day + dt.timedelta(days=1), 6),
                                          created_by=coordinator))
            day += dt.timedelta(days=1)
        entries += _resident_entries(rng, learner, start, today, index, is_demo)
    bulk_create_with_history(calls, PlannedShift, default_user=coordinator)
    bulk_create_with_history(entries, WorkEntry, default_user=demo)
    compliance_recompute_program(company_id=program.company_id, program_id=program.pk)  # bulk: no services ran
    return len(entries)


def _resident_entries(rng, learner, start, today, index, is_demo):
    """Logged days: call days (24 h in-house from 06:00, then 14+ h free), ordinary weekdays
    06:00–17:00/18:00, one weekend day off a week, a conference morning on Wednesdays. The demo
    resident works four heavy weeks (14 h days, six days a week: an hours_80 breach) and once
    comes back 12 hours after a 24-hour call (rest_14_after_24)."""
    out = []
    heavy = (start + dt.timedelta(days=14), start + dt.timedelta(days=41))
    day, skip_until, short_rest_done = start, start, False
    while day < today:
        offset = (day - start).days
        if day < skip_until:
            day += dt.timedelta(days=1)
            continue
        in_heavy = is_demo and heavy[0] <= day <= heavy[1]
        if in_heavy:
            if day.weekday() != 6:  # four weeks of six 14-hour days: 336 h
                out.append(_entry(learner, rules.CLINICAL, _local(day, 5), _local(day, 19)))
        elif (offset + index) % 4 == 0 and day.weekday() < 5:
            out.append(_entry(learner, rules.IN_HOUSE_CALL, _local(day, 6), _local(day + dt.timedelta(days=1), 6)))
            skip_until = day + dt.timedelta(days=2)
            if is_demo and not short_rest_done and day > heavy[1] + dt.timedelta(days=3):
                next_day = day + dt.timedelta(days=1)  # back 12 hours after the call
                out.append(_entry(learner, rules.CLINICAL, _local(next_day, 18), _local(next_day, 23)))
                short_rest_done = True
        elif day.weekday() < 5:
            if day.weekday() == 2:  # Wednesday: grand rounds, then the day's work
                out.append(_entry(learner, rules.EDUCATION, _local(day, 6), _local(day, 7)))
                out.append(_entry(learner, rules.CLINICAL, _local(day, 7), _local(day, 18)))
            else:
                out.append(_entry(learner, rules.CLINICAL, _local(day, 6), _local(day, rng.choice([17, 18]))))
        elif day.weekday() == 5 and rng.random() < 0.3:
            out.append(_entry(learner, rules.HOME_CALL, _local(day, 8), _local(day, 20)))
            out.append(_entry(learner, rules.HOME_CALL_WORKED, _local(day, 14), _local(day, 15, 30)))
        day += dt.timedelta(days=1)
    return out


def _entry(learner, kind, start, end):
    return WorkEntry(learner=learner, company=learner.company, kind=kind, start=start, end=end, from_plan=True)
