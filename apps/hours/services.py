"""Writes for clinical hours: keyword-only ``<entity>_<action>(*, actor, …)``, each atomic with its
audit row; pages, API and jobs call these and nothing else.

Rows are locked with the named helpers below, in primary-key order when there are several."""

import datetime as dt
import math
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.academics.models import Learner
from apps.audit.services import audit_log_record, model_changes, save_with_audit, snapshot
from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch
from apps.hours import access, findings, rules
from apps.hours.models import (
    ComplianceNote,
    HoursPolicy,
    PlannedShift,
    RotationHours,
    TimeRecord,
    WeekUnlock,
    WorkEntry,
)

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
MAX_ENTRY_HOURS = 48          # a single work entry; longer duty is logged as several entries
DECISIONS = {
    TimeRecord.Status.APPROVED: "approve",
    TimeRecord.Status.NEEDS_INFO: "needs_info",
    TimeRecord.Status.REJECTED: "reject",
}


# ---------------------------------------------------------------- helpers
def lock_time_records(records):
    """Lock time records in primary-key order (bulk decisions never deadlock each other)."""
    ids = sorted({r.pk for r in records}, key=str)
    if not ids:
        return []
    company_id = records[0].company_id
    return list(TimeRecord.objects.for_company(company_id).select_for_update(of=("self",)).filter(pk__in=ids)
                .select_related("learner__program__hours_policy", "assignment__primary_supervisor",
                                "learner__user").order_by("pk"))


def lock_learner(learner):
    """One learner's hour writes queue on the learner row (one open record, daily caps)."""
    Learner.objects.for_company(learner.company_id).select_for_update().filter(pk=learner.pk).values_list(
        "pk").first()


def distance_m(lat1, lng1, lat2, lng2) -> int:
    """Great-circle distance in whole metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


def hours_between(start, end) -> Decimal:
    seconds = Decimal((end - start).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def now_ms():
    """Now, to the millisecond (what the clock stores)."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def policy_of(program) -> HoursPolicy:
    return HoursPolicy.for_program(program)


def local_tz(program):
    from zoneinfo import ZoneInfo

    return ZoneInfo(policy_of(program).time_zone)


def _location(latitude, longitude, accuracy):
    if latitude is None or longitude is None:
        return None
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except ArithmeticError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"latitude": "Not a location on Earth."})
    acc = None
    if accuracy is not None:
        acc = Decimal(str(accuracy)).quantize(Decimal("0.1"))
        if acc < 0 or acc > 9_999_999:
            raise ValidationError({"accuracy": "Accuracy must be 0–9,999,999 metres."})
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001")), acc


def _geofence(site, location):
    """(distance in metres or None, outside?) — outside when farther than the site's radius.
    A site without coordinates cannot be checked: never outside."""
    if location is None or site is None or site.latitude is None or site.longitude is None:
        return None, False
    distance = distance_m(site.latitude, site.longitude, location[0], location[1])
    return distance, distance > site.geofence_radius_m


# ---------------------------------------------------------------- students' time records
def current_assignment(learner, day):
    return (learner.assignments.filter(start_date__lte=day, end_date__gte=day)
            .select_related("site", "rotation_type", "primary_supervisor").first())


def time_record_clock_in(*, actor, learner, latitude=None, longitude=None, accuracy=None, ip=None,
                         user_agent="", reason="", key=None) -> TimeRecord:
    """Clock in at the current rotation's site. Outside the site's geofence or without a location
    the clock-in is allowed but flagged, and then needs a reason (``ValidationError`` on
    ``reason`` until one is given). One open record per student (also a unique constraint)."""
    if learner.user_id != actor.pk:
        raise PermissionDenied
    now = now_ms()
    assignment = current_assignment(learner, timezone.localtime(now, local_tz(learner.program)).date())
    if assignment is None:
        raise ValidationError("You have no rotation today; add a manual entry for past days instead.")
    location = _location(latitude, longitude, accuracy)
    distance, outside = _geofence(assignment.site, location)
    reason = (reason or "").strip()
    if (outside or location is None) and not reason:
        where = ("Your location was not available" if location is None
                 else f"You are {distance:,} m from {assignment.site} (geofence {assignment.site.geofence_radius_m:,} m)")
        raise ValidationError({"reason": f"{where}. Say why to clock in anyway."})

    def create():
        record = TimeRecord(
            assignment=assignment, learner=learner, site=assignment.site, source=TimeRecord.Source.CLOCK,
            status=TimeRecord.Status.OPEN, clock_in=now, in_ip=ip or None, in_user_agent=(user_agent or "")[:400],
            in_latitude=location and location[0], in_longitude=location and location[1],
            in_accuracy_m=location and location[2], in_distance_m=distance, flag_outside_geofence=outside,
            flag_no_location=location is None, flag_reason=reason if (outside or location is None) else "",
            submission_key=key)
        record._history_user = actor
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError as error:
            if "time_record_one_open_per_learner" in str(error):
                raise ValidationError("You are already clocked in; clock out first.") from error
            raise
        audit_log_record(company=record.company_id, actor=actor, action="time_record.clock_in", entity=record,
                         changes=snapshot(record))
        return record

    with transaction.atomic():
        lock_learner(learner)
        record, _ = replay_or_create(TimeRecord.objects.for_company(learner.company_id).filter(learner=learner),
                                     key_field="submission_key", key=key, create=create)
    return record


def time_record_clock_out(*, actor, record, latitude=None, longitude=None, accuracy=None, ip=None,
                          user_agent="") -> TimeRecord:
    """Clock out: hours computed (2 decimals), the record waits for approval. Clocking out of a
    closed record (a double submit) returns it unchanged."""
    if record.learner.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        [record] = lock_time_records([record])
        if record.status != TimeRecord.Status.OPEN:
            return record
        before = snapshot(record)
        now = now_ms()
        if now <= record.clock_in:
            now = record.clock_in + dt.timedelta(milliseconds=1)
        location = _location(latitude, longitude, accuracy)
        distance, outside = _geofence(record.site, location)
        record.clock_out, record.total_hours = now, hours_between(record.clock_in, now)
        record.out_latitude = location and location[0]
        record.out_longitude = location and location[1]
        record.out_accuracy_m = location and location[2]
        record.out_distance_m, record.out_ip = distance, ip or None
        record.out_user_agent = (user_agent or "")[:400]
        record.flag_outside_geofence = record.flag_outside_geofence or outside
        record.status = TimeRecord.Status.PENDING
        record._history_user = actor
        record.save()
        audit_log_record(company=record.company_id, actor=actor, action="time_record.clock_out", entity=record,
                         changes=model_changes(record, before))
    return record


def time_record_create_manual(*, actor, learner, day: dt.date, start: dt.time, end: dt.time, activity="",
                              notes="", key=None) -> TimeRecord:
    """A manual entry for a past or present day within the program's edit window (future days
    refused), at most the program's maximum hours per day (every record of that day counted),
    on the rotation the learner was on that day. ``end`` before ``start`` means the next day."""
    if learner.user_id != actor.pk:
        raise PermissionDenied
    policy, tz = policy_of(learner.program), local_tz(learner.program)
    today = timezone.localtime(timezone.now(), tz).date()
    if day > today:
        raise ValidationError({"day": "Future days cannot be entered."})
    if day < today - dt.timedelta(days=policy.manual_edit_window_days):
        raise ValidationError({"day": f"Only the last {policy.manual_edit_window_days} days can be entered; "
                                      "ask your coordinator."})
    clock_in = dt.datetime.combine(day, start, tzinfo=tz)
    clock_out = dt.datetime.combine(day + dt.timedelta(days=1) if end <= start else day, end, tzinfo=tz)
    if clock_out > timezone.now():
        raise ValidationError({"end": "The entry cannot end in the future."})
    assignment = current_assignment(learner, day)
    if assignment is None:
        raise ValidationError({"day": "You were not on a rotation that day."})
    total = hours_between(clock_in, clock_out)

    def create():
        day_start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        logged = sum((r.total_hours or 0 for r in TimeRecord.objects.for_company(learner.company_id).filter(
            learner=learner, clock_in__gte=day_start, clock_in__lt=day_start + dt.timedelta(days=1))
            .exclude(status=TimeRecord.Status.REJECTED)), Decimal(0))
        if logged + total > policy.max_hours_per_day:
            raise ValidationError({"end": f"At most {policy.max_hours_per_day} hours a day "
                                          f"({logged} already recorded that day)."})
        record = TimeRecord(assignment=assignment, learner=learner, site=assignment.site,
                            source=TimeRecord.Source.MANUAL, status=TimeRecord.Status.PENDING, clock_in=clock_in,
                            clock_out=clock_out, total_hours=total, activity=activity[:120], notes=notes,
                            submission_key=key)
        record._history_user = actor
        record.full_clean(exclude=["company", "learner", "assignment", "site"])
        record.save()
        audit_log_record(company=record.company_id, actor=actor, action="time_record.create", entity=record,
                         changes=snapshot(record))
        return record

    with transaction.atomic():
        lock_learner(learner)
        record, _ = replay_or_create(TimeRecord.objects.for_company(learner.company_id).filter(learner=learner),
                                     key_field="submission_key", key=key, create=create)
    return record


def time_record_respond(*, actor, record, notes: str) -> TimeRecord:
    """The student answers "needs information": the note is added and the record waits again."""
    if record.learner.user_id != actor.pk:
        raise PermissionDenied
    if not notes.strip():
        raise ValidationError({"notes": "Say what the reviewer asked for."})
    with transaction.atomic():
        [record] = lock_time_records([record])
        if record.status != TimeRecord.Status.NEEDS_INFO:
            raise ValidationError("Only a record that needs information can be answered.")
        before = snapshot(record)
        record.notes = f"{record.notes}\n{notes.strip()}".strip()
        record.status = TimeRecord.Status.PENDING
        record._history_user = actor
        record.save()
        audit_log_record(company=record.company_id, actor=actor, action="time_record.respond", entity=record,
                         changes=model_changes(record, before))
    return record


def time_records_decide(*, actor, records, decision: str, note: str = "") -> list[TimeRecord]:
    """Approve, ask for information or reject one or many records (bulk). Rows are locked in pk
    order; each decision is its own audit row (before/after status). Needs information and
    reject need a note (the student sees why). Open records cannot be decided; records already
    decided the same way are left as they are (a double submit changes nothing)."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose approve, needs information or reject."})
    note = (note or "").strip()
    if decision != TimeRecord.Status.APPROVED and not note:
        raise ValidationError({"note": "Say why (the student sees this note)."})
    if not records:
        raise ValidationError({"records": "Choose at least one record."})
    decided = []
    with transaction.atomic():
        for record in lock_time_records(list(records)):
            if not access.can_decide_time_record(actor, record):
                raise PermissionDenied
            if record.status == decision:
                continue
            if record.status not in (TimeRecord.Status.PENDING, TimeRecord.Status.NEEDS_INFO):
                raise ValidationError({"records": f"The record of {record.learner} on "
                                                  f"{record.clock_in:%Y-%m-%d} is {record.get_status_display().lower()}."})
            before = {"status": record.status}
            record.status, record.decision_note = decision, note
            record.decided_by, record.decided_at = actor, timezone.now()
            record._history_user = actor
            record.save()
            audit_log_record(company=record.company_id, actor=actor, action=f"time_record.{DECISIONS[decision]}",
                             entity=record, changes={"status": [before["status"], decision], "note": note})
            decided.append(record)
    return decided


def time_records_auto_close(*, company_id, now=None) -> int:
    """Close open records older than their program's ``auto_close_after_hours`` at exactly that
    many hours after clock-in, flagged for review. Run by the periodic task per company."""
    now = now or timezone.now()
    closed = 0
    open_records = list(TimeRecord.objects.for_company(company_id).filter(status=TimeRecord.Status.OPEN)
                        .select_related("learner__program__hours_policy").order_by("pk"))
    for candidate in open_records:
        limit = dt.timedelta(hours=policy_of(candidate.learner.program).auto_close_after_hours)
        if candidate.clock_in + limit > now:
            continue
        with transaction.atomic():
            [record] = lock_time_records([candidate])
            if record.status != TimeRecord.Status.OPEN:
                continue
            record.clock_out = record.clock_in + limit
            record.total_hours = hours_between(record.clock_in, record.clock_out)
            record.status, record.flag_auto_closed = TimeRecord.Status.PENDING, True
            record._change_reason = "closed by the program's rule"
            record.save()
            audit_log_record(company=company_id, actor=None, action="time_record.auto_close", entity=record,
                             changes={"clock_out": str(record.clock_out), "hours": str(record.total_hours)})
            closed += 1
    return closed


# ---------------------------------------------------------------- residents' work entries
def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def is_week_locked(learner, week_start: dt.date, *, today=None) -> bool:
    """Weeks older than the program's lock (default: current and previous week open) are locked
    unless a coordinator unlocked that week."""
    tz = local_tz(learner.program)
    today = today or timezone.localtime(timezone.now(), tz).date()
    oldest_open = week_start_of(today) - dt.timedelta(weeks=policy_of(learner.program).lock_weeks)
    if week_start >= oldest_open:
        return False
    return not WeekUnlock.objects.for_company(learner.company_id).filter(learner=learner,
                                                                         week_start=week_start).exists()


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _check_times(start, end, field="start"):
    if start is None or end is None:
        raise ValidationError({field: "Give a start and an end."})
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise ValidationError({field: "Times must be between 2000 and 2100."})


def _check_entry(learner, kind, start, end):
    if kind not in rules.KINDS:
        raise ValidationError({"kind": "Unknown kind of work."})
    _check_times(start, end)
    if end <= start:
        raise ValidationError({"end": "The end must be after the start."})
    if end - start > dt.timedelta(hours=MAX_ENTRY_HOURS):
        raise ValidationError({"end": f"One entry is at most {MAX_ENTRY_HOURS} hours; log longer duty as "
                                      "back-to-back entries."})
    if start > timezone.now():
        raise ValidationError({"start": "Log hours once worked; planned shifts live in the call roster."})
    tz = local_tz(learner.program)
    for day in {timezone.localtime(start, tz).date(), timezone.localtime(end - dt.timedelta(seconds=1), tz).date()}:
        if is_week_locked(learner, week_start_of(day)):
            raise ValidationError({"start": f"The week of {week_start_of(day):%Y-%m-%d} is locked; ask your "
                                            "coordinator to unlock it."})


def work_entry_create(*, actor, learner, kind, start, end, notes="", key=None, from_plan=False) -> WorkEntry:
    """Log a stretch of work. Only the resident logs their own hours; a violation never blocks
    logging (the rules engine reports it afterwards)."""
    if learner.user_id != actor.pk:
        raise PermissionDenied
    _check_entry(learner, kind, start, end)

    def create():
        entry = WorkEntry(learner=learner, kind=kind, start=start, end=end, notes=(notes or "")[:500],
                          submission_key=key, from_plan=from_plan)
        save_with_audit(instance=entry, actor=actor, action="work_entry.create")
        compliance_mark_stale(company_id=learner.company_id, learner_ids=[learner.pk])
        return entry

    with transaction.atomic():
        entry, _ = replay_or_create(WorkEntry.objects.for_company(learner.company_id).filter(learner=learner),
                                    key_field="submission_key", key=key, create=create)
    return entry


def work_entry_update(*, actor, entry, kind, start, end, notes="") -> WorkEntry:
    if entry.learner.user_id != actor.pk:
        raise PermissionDenied
    _check_entry(entry.learner, entry.kind, entry.start, entry.end)  # the week it is in now must be open
    _check_entry(entry.learner, kind, start, end)
    entry.kind, entry.start, entry.end, entry.notes = kind, start, end, (notes or "")[:500]
    with transaction.atomic():
        compliance_mark_stale(company_id=entry.company_id, learner_ids=[entry.learner_id])
        return save_with_audit(instance=entry, actor=actor, action="work_entry.update")


def work_entry_delete(*, actor, entry) -> None:
    if entry.learner.user_id != actor.pk:
        raise PermissionDenied
    _check_entry(entry.learner, entry.kind, entry.start, entry.end)
    with transaction.atomic():
        audit_log_record(company=entry.company_id, actor=actor, action="work_entry.delete", entity=entry,
                         changes=snapshot(entry))
        entry._history_user = actor
        entry.delete()
        compliance_mark_stale(company_id=entry.company_id, learner_ids=[entry.learner_id])


def work_week_confirm(*, actor, learner, plan_items) -> list[WorkEntry]:
    """Log the pre-filled plan of a week as worked: every planned item that has ended, on a day
    with no logged entry yet (``plan_items`` from ``selectors.week_grid``). Confirming twice adds
    nothing (the days are then logged)."""
    if learner.user_id != actor.pk:
        raise PermissionDenied
    created = []
    with transaction.atomic():
        lock_learner(learner)
        now = timezone.now()
        existing = {(e.start, e.end, e.kind) for e in WorkEntry.objects.for_company(learner.company_id).filter(
            learner=learner, start__in=[i.start for i in plan_items])}
        for item in plan_items:
            if item.end > now or (item.start, item.end, item.kind) in existing:
                continue
            created.append(work_entry_create(actor=actor, learner=learner, kind=item.kind, start=item.start,
                                             end=item.end, notes=item.label, from_plan=True))
    return created


def week_unlock(*, actor, learner, week_start: dt.date, reason="") -> WeekUnlock:
    if not access.can_manage_hours(actor, learner.program):
        raise PermissionDenied
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": "A week starts on a Monday."})
    with transaction.atomic():
        existing = WeekUnlock.objects.for_company(learner.company_id).filter(learner=learner,
                                                                              week_start=week_start).first()
        if existing is not None:
            return existing
        unlock = WeekUnlock(learner=learner, week_start=week_start, unlocked_by=actor, reason=reason[:300])
        return save_with_audit(instance=unlock, actor=actor, action="week_unlock.create")


# ---------------------------------------------------------------- call roster and plans
def planned_shift_create(*, actor, learner, kind, start, end) -> PlannedShift:
    """Add a call (in-house or at-home) or a planned shift to a resident's plan (coordinator)."""
    if not access.can_manage_hours(actor, learner.program):
        raise PermissionDenied
    if kind not in dict(PlannedShift.PLANNED_KINDS):
        raise ValidationError({"kind": "Choose in-house call, at-home call, clinical work or education."})
    _check_times(start, end)
    if end <= start:
        raise ValidationError({"hours": "The shift must last some time."})
    if end - start > dt.timedelta(hours=36):
        raise ValidationError({"hours": "A planned shift is at most 36 hours."})
    shift = PlannedShift(learner=learner, kind=kind, start=start, end=end, created_by=actor)
    return save_with_audit(instance=shift, actor=actor, action="planned_shift.create")


def planned_shift_delete(*, actor, shift) -> None:
    if not access.can_manage_hours(actor, shift.learner.program):
        raise PermissionDenied
    with transaction.atomic():
        audit_log_record(company=shift.company_id, actor=actor, action="planned_shift.delete", entity=shift,
                         changes=snapshot(shift))
        shift._history_user = actor
        shift.delete()


# ---------------------------------------------------------------- compliance, policy
def compliance_note_save(*, actor, learner, rule: str, starts_on: dt.date, text: str) -> ComplianceNote:
    """Context for a violation, by a manager or the resident; saving again replaces the text."""
    if not access.can_view_hours_of(actor, learner):
        raise PermissionDenied
    if rule not in rules.RULES:
        raise ValidationError({"rule": "Unknown rule."})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the note."})
    with transaction.atomic():
        note = ComplianceNote.objects.for_company(learner.company_id).select_for_update().filter(
            learner=learner, rule=rule, starts_on=starts_on).first()
        if note is None:
            note = ComplianceNote(learner=learner, rule=rule, starts_on=starts_on, author=actor)
        note.text, note.author = text[:4000], actor
        return save_with_audit(instance=note, actor=actor, action="compliance_note.save")


def hours_policy_update(*, actor, program, data: dict) -> HoursPolicy:
    if not access.can_manage_hours(actor, program):
        raise PermissionDenied
    policy = policy_of(program)
    for name in ("time_zone", "auto_close_after_hours", "manual_edit_window_days", "max_hours_per_day",
                 "lock_weeks"):
        if name in data:
            setattr(policy, name, data[name])
    policy.full_clean(exclude=["company", "program"])
    with transaction.atomic():
        saved = save_with_audit(instance=policy, actor=actor, action="hours_policy.update")
        # the time zone moves every 28-day window: the program's findings are recomputed
        compliance_mark_stale(company_id=program.company_id, learner_ids=list(
            Learner.objects.for_company(program.company_id).filter(program=program, kind=Learner.Kind.RESIDENT)
            .values_list("pk", flat=True)))
    return saved


def rotation_hours_update(*, actor, rotation_type, data: dict) -> RotationHours:
    if not access.can_manage_hours(actor, rotation_type.program):
        raise PermissionDenied
    hours = RotationHours.objects.for_company(rotation_type.company_id).filter(
        rotation_type=rotation_type).first() or RotationHours(rotation_type=rotation_type)
    for name in ("required_hours", "default_start", "default_end", "default_weekdays"):
        if name in data:
            setattr(hours, name, data[name])
    hours.full_clean(exclude=["company", "rotation_type"])
    return save_with_audit(instance=hours, actor=actor, action="rotation_hours.update")


# ---------------------------------------------------------------- stored compliance findings
_MARK_STALE = """
    INSERT INTO hours_compliancestate (id, company_id, learner_id, stale, created_at, updated_at, time_zone)
    SELECT gen_random_uuid(), l.company_id, l.id, true, now(), now(), ''
      FROM academics_learner l
     WHERE l.company_id = %(company)s AND l.id = ANY(%(learners)s::uuid[])
    ON CONFLICT (learner_id) DO UPDATE SET stale = true, updated_at = now()"""


class _PendingRecompute:
    """An on-commit marker: a recompute of this learner is already due when the current
    transaction commits (Django drops it on rollback; it marks itself done when run)."""

    def __init__(self, key):
        self.key, self.done = key, False

    def __call__(self):
        self.done = True


def compliance_mark_stale(*, company_id, learner_ids) -> None:
    """Call inside the transaction of any write that can change these learners' findings (their
    work entries, their program's time zone). Their ``ComplianceState`` rows are marked stale
    in that transaction (one upsert), and one ``recompute_compliance`` task per learner starts
    when it commits: a learner already due in this transaction (a week confirmed entry by entry)
    is not dispatched twice. A rolled-back write leaves neither the mark nor the task."""
    learner_ids = sorted({str(pk) for pk in learner_ids})
    if not learner_ids:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_MARK_STALE, {"company": str(company_id), "learners": learner_ids})
        due = {f.key for _, f, _ in connection.run_on_commit
               if isinstance(f, _PendingRecompute) and not f.done}
        for learner_id in learner_ids:
            key = (str(company_id), learner_id)
            if key in due:
                continue
            transaction.on_commit(_PendingRecompute(key))
            dispatch(findings.recompute_compliance, company_id=str(company_id), learner_id=learner_id)


def new_key() -> uuid.UUID:
    return uuid.uuid4()
