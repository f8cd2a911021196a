"""Reads for clinical hours. Each returns scoped data with a fixed number of queries however
many learners or entries there are."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce, Extract, TruncDate
from django.utils import timezone

from apps.academics.models import Learner, RotationAssignment
from apps.core.prepared import prepared
from apps.hours import rules
from apps.hours.access import reviewable_records
from apps.hours.models import (
    KIND_LABELS,
    ComplianceFinding,
    ComplianceNote,
    HoursPolicy,
    PlannedShift,
    WorkEntry,
)

# Entries fetched around a period so the 28-day windows at its edges are complete (a day of
# slack either side for time zones).
WINDOW_MARGIN = dt.timedelta(days=rules.WINDOW_DAYS + 1)


def program_time_zone(program) -> ZoneInfo:
    """The program's time zone (its hours policy; the default when it has none)."""
    return ZoneInfo(HoursPolicy.for_program(program).time_zone)


def _bounds(start: dt.date, end: dt.date):
    low = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) - WINDOW_MARGIN
    high = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC) + WINDOW_MARGIN
    return low, high


def entries_by_learner(*, company_id, learner_ids, start: dt.date, end: dt.date, epoch: bool = False):
    """Logged work entries around ``start``..``end`` as ``rules.Entry`` lists, one query.
    ``epoch``: start and end as epoch seconds (the engine's unit; PostgreSQL computes them, which
    spares parsing thousands of timestamps in the compliance report)."""
    low, high = _bounds(start, end)
    out = defaultdict(list)
    rows = (WorkEntry.objects.for_company(company_id)
            .filter(learner_id__in=list(learner_ids), start__lt=high, end__gt=low).order_by("start"))
    if epoch:
        # in UTC: Django would otherwise extract from the local wall-clock time (USE_TZ)
        rows = rows.annotate(s=Cast(Extract("start", "epoch", tzinfo=dt.UTC), BigIntegerField()),
                             e=Cast(Extract("end", "epoch", tzinfo=dt.UTC), BigIntegerField())).values_list(
            "learner_id", "s", "e", "kind", "pk")
    else:
        rows = rows.values_list("learner_id", "start", "end", "kind", "pk")
    for learner_id, s, e, kind, pk in rows:
        out[learner_id].append(rules.Entry(s, e, kind, pk))
    return out


def violations_for_learners(*, company_id, learner_ids, start: dt.date, end: dt.date) -> dict:
    """{learner_id: [rules.Violation, …]} for each learner's logged work entries, every rule (the
    ``rest_8`` warnings included: ``violation.is_warning``), windows and events overlapping
    ``start``..``end`` (local dates of the learner's program, inclusive). Two queries for any
    number of learners. Each Violation has ``rule``, ``start``, ``end`` (aware UTC datetimes),
    ``hours`` (Decimal or None) and ``detail``. This signature is stable (the CCC uses it)."""
    learners = list(Learner.objects.for_company(company_id).filter(pk__in=list(learner_ids))
                    .select_related("program__hours_policy").only("pk", "pgy_level", "program__id",
                                                                  "program__company_id",
                                                                  "program__hours_policy__time_zone"))
    entries = entries_by_learner(company_id=company_id, learner_ids=[lr.pk for lr in learners],
                                 start=start, end=end, epoch=True)
    return {lr.pk: rules.check(entries.get(lr.pk, []), start=start, end=end,
                               tz=program_time_zone(lr.program), pgy_level=lr.pgy_level)
            for lr in learners}


def all_entries_of(*, company_id, learner_id, tz):
    """Every logged entry of one learner as ``rules.Entry`` (epoch seconds), with the first and
    last local day they touch: what ``findings.compliance_recompute`` checks. One query."""
    rows = list(WorkEntry.objects.for_company(company_id).filter(learner_id=learner_id).annotate(
        s=Cast(Extract("start", "epoch", tzinfo=dt.UTC), BigIntegerField()),
        e=Cast(Extract("end", "epoch", tzinfo=dt.UTC), BigIntegerField())).values_list("s", "e", "kind", "pk"))
    if not rows:
        return [], None, None
    first = dt.datetime.fromtimestamp(min(r[0] for r in rows), tz).date()
    last = dt.datetime.fromtimestamp(max(r[1] for r in rows) - 1, tz).date()
    return [rules.Entry(s, e, kind, pk) for s, e, kind, pk in rows], first, last


# ---------------------------------------------------------------- stored findings
DUTY_RULES = (rules.SHIFT_24_4, rules.REST_14_AFTER_24, rules.REST_8, rules.PGY1_MOONLIGHTING)


def is_fresh(state, learner, tz) -> bool:
    """Whether a learner's stored findings are current: computed, not marked stale by a later
    write, and computed for the learner's PGY level and program time zone of today (those two
    change in other apps without a recompute: the page then says so)."""
    return (state is not None and not state.stale and state.pgy_level == learner.pgy_level
            and state.time_zone == str(tz.key))


def compliance_state_of(learner):
    """The learner's ``ComplianceState`` (select_related) or None (a missing reverse one-to-one
    raises an AttributeError subclass)."""
    return getattr(learner, "compliance_state", None)


def stored_findings(*, company_id, learner_ids, start: dt.date, end: dt.date, tz) -> dict:
    """{learner_id: [rules.Violation]} of the stored findings overlapping ``start``..``end``
    (local dates in ``tz``, inclusive), as the engine would report them for that period except
    that a run of failing 28-day windows keeps its full extent. One query for any number of
    learners; no rules engine."""
    low = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    out = defaultdict(list)
    rows = (ComplianceFinding.objects.for_company(company_id)
            .filter(Q(end__gt=low) | Q(end=low, rule__in=DUTY_RULES), learner_id__in=list(learner_ids),
                    start__lt=high).order_by("start", "rule")
            .values_list("learner_id", "rule", "start", "end", "hours", "detail"))
    for learner_id, rule, s, e, hours, detail in rows:
        out[learner_id].append(rules.Violation(rule, s, e, hours, detail))
    for found in out.values():
        found.sort(key=lambda v: (v.start, rules.RULES.index(v.rule)))
    return out


def learner_findings(*, learner, start: dt.date, end: dt.date):
    """(fresh?, computed_at, [rules.Violation]) of one learner's stored findings in the period:
    the drill-down and the compliance API. Two queries (the state, the findings)."""
    from apps.hours.models import ComplianceState

    tz = program_time_zone(learner.program)
    state = ComplianceState.objects.for_company(learner.company_id).filter(learner_id=learner.pk).first()
    if not is_fresh(state, learner, tz):
        return False, state.computed_at if state else None, []
    found = stored_findings(company_id=learner.company_id, learner_ids=[learner.pk], start=start, end=end, tz=tz)
    return True, state.computed_at, found.get(learner.pk, [])


# ---------------------------------------------------------------- plans (call roster, rotation defaults)
@dataclass(frozen=True)
class PlanItem:
    start: dt.datetime
    end: dt.datetime
    kind: str
    label: str
    shift_id: object = None

    def as_rule_entry(self):
        return rules.Entry(self.start, self.end, self.kind, None)


def _local(day: dt.date, time: dt.time, tz) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz)


def plans_by_learner(*, company_id, learners, start: dt.date, end: dt.date) -> dict:
    """{learner_id: [PlanItem]} for ``start``..``end``: the call roster and planned shifts, and the
    default working day of each rotation the learner is on (rotation hours). Two queries."""
    ids = [lr.pk for lr in learners]
    tz_of = {lr.pk: program_time_zone(lr.program) for lr in learners}
    low = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    high = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=2)
    out = defaultdict(list)
    for shift in (PlannedShift.objects.for_company(company_id).filter(learner_id__in=ids, start__lt=high,
                                                                      end__gt=low).order_by("start")):
        out[shift.learner_id].append(PlanItem(shift.start, shift.end, shift.kind,
                                              KIND_LABELS[shift.kind], shift.pk))
    assignments = (RotationAssignment.objects.for_company(company_id)
                   .filter(learner_id__in=ids, start_date__lte=end, end_date__gte=start)
                   .select_related("rotation_type__hours"))
    for assignment in assignments:
        hours = getattr(assignment.rotation_type, "hours", None)
        if hours is None or hours.default_start is None or hours.default_end is None:
            continue
        tz = tz_of[assignment.learner_id]
        day = max(start, assignment.start_date)
        while day <= min(end, assignment.end_date):
            if str(day.weekday()) in hours.default_weekdays:
                s = _local(day, hours.default_start, tz)
                next_day = day + dt.timedelta(days=1) if hours.default_end <= hours.default_start else day
                out[assignment.learner_id].append(PlanItem(s, _local(next_day, hours.default_end, tz),
                                                           rules.CLINICAL, assignment.rotation_type.name))
            day += dt.timedelta(days=1)
    for items in out.values():
        items.sort(key=lambda i: i.start)
    return out


def projected_violations(*, learner, start: dt.date, end: dt.date, extra=(), plans=None, logged=None):
    """What the rules engine says of the logged entries plus the plan (planned items on days
    without a logged entry) plus ``extra`` rule entries (a shift being added)."""
    tz = program_time_zone(learner.program)
    if logged is None:
        logged = entries_by_learner(company_id=learner.company_id, learner_ids=[learner.pk], start=start,
                                    end=end)[learner.pk]
    if plans is None:
        low, high = start - WINDOW_MARGIN, end + WINDOW_MARGIN
        plans = plans_by_learner(company_id=learner.company_id, learners=[learner], start=low,
                                 end=high)[learner.pk]
    logged_days = {timezone.localtime(e.start, tz).date() for e in logged}
    entries = list(logged) + [p.as_rule_entry() for p in plans
                              if timezone.localtime(p.start, tz).date() not in logged_days] + list(extra)
    return rules.check(entries, start=start, end=end, tz=tz, pgy_level=learner.pgy_level)


# ---------------------------------------------------------------- the resident's week grid
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class GridDay:
    date: dt.date
    entries: list
    plan: list
    hours: Decimal
    warnings: list


def week_grid(*, learner, week_start: dt.date, today: dt.date | None = None):
    """The seven days from ``week_start`` (a Monday): logged entries, the plan pre-filled from the
    schedule and the call roster, the projected violations of the plan, and for every planned
    day still ahead the rules working it would break ("working your planned Saturday would
    exceed 80 hours"). Six queries whatever the data."""
    tz = program_time_zone(learner.program)
    today = today or timezone.localtime(timezone.now(), tz).date()
    week_end = week_start + dt.timedelta(days=6)
    logged = entries_by_learner(company_id=learner.company_id, learner_ids=[learner.pk], start=week_start,
                                end=week_end)[learner.pk]
    plans = plans_by_learner(company_id=learner.company_id, learners=[learner], start=week_start - WINDOW_MARGIN,
                             end=week_end + WINDOW_MARGIN)[learner.pk]
    entries = list(WorkEntry.objects.for_company(learner.company_id).filter(
        learner=learner, start__lt=_local(week_end + dt.timedelta(days=1), dt.time(), tz),
        end__gt=_local(week_start, dt.time(), tz)).order_by("start"))
    days = []
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        mine = [e for e in entries if timezone.localtime(e.start, tz).date() == day]
        counted = sum(((e.end - e.start).total_seconds() for e in mine if e.kind in rules.COUNTED), 0.0)
        days.append(GridDay(day, mine, [p for p in plans if timezone.localtime(p.start, tz).date() == day],
                            Decimal(counted / 3600).quantize(Decimal("0.01")), []))
    logged_days = {timezone.localtime(e.start, tz).date() for e in logged}
    projection = projected_violations(learner=learner, start=week_start, end=week_end, plans=plans, logged=logged)
    for grid_day in days:
        if grid_day.date < today or not grid_day.plan or grid_day.date in logged_days:
            continue
        without = [p for p in plans if timezone.localtime(p.start, tz).date() != grid_day.date]
        before = {v.rule for v in projected_violations(learner=learner, start=week_start, end=week_end,
                                                       plans=without, logged=logged) if not v.is_warning}
        after = {v.rule for v in projection if not v.is_warning}
        grid_day.warnings = [breach_message(rule, grid_day.date) for rule in rules.RULES if rule in after - before]
    return days, projection


def breach_message(rule: str, day: dt.date) -> str:
    name = WEEKDAYS[day.weekday()]
    if rule == rules.HOURS_80:
        return f"Working your planned {name} would exceed 80 hours (averaged over four weeks)."
    return f"Working your planned {name} would break: {rules.RULE_LABELS[rule].lower()}."


# ---------------------------------------------------------------- students' progress
@dataclass
class Progress:
    assignment: object
    required: Decimal | None
    approved: Decimal
    pending: Decimal
    expected: Decimal | None

    @property
    def behind(self) -> bool:
        return self.expected is not None and self.approved < self.expected

    @property
    def percent(self) -> int | None:
        if not self.required:
            return None
        return min(100, int(self.approved * 100 / self.required))


def expected_by(assignment, required, today) -> Decimal | None:
    """Hours a student on pace has completed by ``today``: the required hours × the share of the
    rotation's days that have passed (today included)."""
    if required is None or today < assignment.start_date:
        return None if required is None else Decimal(0)
    days = (assignment.end_date - assignment.start_date).days + 1
    passed = min((today - assignment.start_date).days + 1, days)
    return (required * passed / days).quantize(Decimal("0.01"))


def assignments_with_hours(queryset):
    return queryset.select_related("rotation_type__hours", "site", "learner__user", "primary_supervisor__user").annotate(
        approved_hours=Coalesce(Sum("time_records__total_hours", filter=Q(time_records__status="approved")),
                                Decimal(0)),
        pending_hours=Coalesce(Sum("time_records__total_hours",
                                   filter=Q(time_records__status__in=["pending", "needs_info"])), Decimal(0)))


def progress_of(assignments, today) -> list[Progress]:
    out = []
    for a in assignments:
        hours = getattr(a.rotation_type, "hours", None)
        required = hours.required_hours if hours is not None else None
        out.append(Progress(a, required, a.approved_hours, a.pending_hours, expected_by(a, required, today)))
    return out


def student_progress(*, learners, today) -> list[Progress]:
    """Every rotation of these learners with approved and pending hours (one query)."""
    if not learners:
        return []
    company_id = learners[0].company_id
    qs = RotationAssignment.objects.for_company(company_id).filter(learner__in=[lr.pk for lr in learners])
    return progress_of(assignments_with_hours(qs).order_by("-start_date"), today)


def program_progress(*, program, today, behind_only=False) -> list[Progress]:
    """The program's students on rotation today (or ended in the last 30 days), with their
    progress toward each rotation's required hours; behind pace first. One query."""
    qs = RotationAssignment.objects.for_company(program.company_id).filter(
        learner__program=program, learner__kind=Learner.Kind.STUDENT, start_date__lte=today,
        end_date__gte=today - dt.timedelta(days=30))
    rows = progress_of(assignments_with_hours(qs).order_by("learner__user__last_name", "start_date"), today)
    if behind_only:
        rows = [r for r in rows if r.behind]
    return sorted(rows, key=lambda r: not r.behind)


def approval_queue(*, user, status=None, program_id=None):
    """Records the user decides on (their rotations', their programs'), newest first."""
    qs = reviewable_records(user).select_related("learner__user", "assignment__rotation_type", "site")
    if status:
        qs = qs.filter(status=status)
    if program_id:
        qs = qs.filter(learner__program_id=program_id)
    return qs.order_by("-clock_in")


# ---------------------------------------------------------------- compliance
@dataclass(frozen=True)
class Resident:
    """A resident as the compliance report lists them: one ``values()`` row, no model instance.
    ``str()`` is the learner's (the user's full name, else their e-mail)."""
    pk: object
    name: str
    pgy_level: int

    def __str__(self):
        return self.name


@dataclass
class ViolationRow:
    learner: Resident
    violation: object
    rotation: str
    note: str  # the text of the note on this violation ("" without one)


@dataclass
class ResidentSummary:
    learner: Resident
    counts: dict
    warnings: int
    fresh: bool = True
    computed_at: object = None

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class ComplianceReport:
    rows: list
    summaries: list
    trend: list
    computed_at: object  # the oldest computation shown (None: nothing computed yet)
    pending: list        # residents whose findings are being recomputed (not counted)

    def __iter__(self):  # rows, summaries, trend = compliance_report(...)
        return iter((self.rows, self.summaries, self.trend))


def time_zone_named(name: str | None) -> ZoneInfo:
    """The time zone of a program whose policy's ``time_zone`` column is ``name`` (None: the program
    has no policy, so the default), as ``program_time_zone`` gives it."""
    return ZoneInfo(name or HoursPolicy._meta.get_field("time_zone").default)


def _program_residents(company_id, program_id):
    """The program's residents (a queryset: the findings read takes it as a subquery)."""
    return Learner.objects.for_company(company_id).filter(program_id=program_id, kind=Learner.Kind.RESIDENT)


# The report's two reads, prepared (apps.core.prepared): the ORM writes their SQL once per
# process (per time zone for the findings: ``tz_name`` is a 1-tuple, a shape), and each request
# sends it with its company, program and period.
_report_residents = prepared(lambda company_id, program_id: _program_residents(company_id, program_id)
                             .order_by("user__last_name", "user__first_name", "pk").values(
    "id", "pgy_level", "user__first_name", "user__last_name", "user__email", "compliance_state__stale",
    "compliance_state__pgy_level", "compliance_state__time_zone", "compliance_state__computed_at"))


def _report_findings_query(*, company_id, program_id, low, high, first_day, last_day, tz_name):
    """The stored findings of the program's residents overlapping ``low``..``high`` (as
    ``stored_findings`` picks them), each with the local day it starts, the rotation the resident
    was on that day (among those between ``first_day`` and ``last_day``: the period's first 28-day
    window to its end) and the note on it — correlated subqueries, so nothing is read for a
    resident without findings."""
    tz = ZoneInfo(tz_name[0])
    rotation = (RotationAssignment.objects.for_company(company_id)
                .filter(learner_id=OuterRef("learner_id"), start_date__lte=OuterRef("day"), end_date__gte=OuterRef("day"))
                .filter(start_date__lte=last_day, end_date__gte=first_day)
                .order_by("start_date", "pk").values("rotation_type__name")[:1])
    note = (ComplianceNote.objects.for_company(company_id)
            .filter(learner_id=OuterRef("learner_id"), rule=OuterRef("rule"), starts_on=OuterRef("day")).values("text")[:1])
    return (ComplianceFinding.objects.for_company(company_id)
            .filter(Q(end__gt=low) | Q(end=low, rule__in=DUTY_RULES),
                    learner_id__in=_program_residents(company_id, program_id).values("pk"), start__lt=high)
            .annotate(day=TruncDate("start", tzinfo=tz)).annotate(rotation=Subquery(rotation), note=Subquery(note))
            .order_by("start", "rule").values("learner_id", "rule", "start", "end", "hours", "detail", "day",
                                              "rotation", "note"))


_report_findings_rows = prepared(_report_findings_query)


def _report_findings(*, company_id, program_id, start: dt.date, end: dt.date, tz) -> dict:
    """{learner_id: [(rules.Violation, local day it starts, rotation name or None, note text or
    None)]}: the stored findings of the program's residents overlapping the period. One query."""
    out = defaultdict(list)
    for row in _report_findings_rows(
            company_id=company_id, program_id=program_id,
            low=dt.datetime.combine(start, dt.time(), tzinfo=tz),
            high=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
            first_day=start - dt.timedelta(days=rules.WINDOW_DAYS), last_day=end, tz_name=(str(tz.key),)):
        out[row["learner_id"]].append((rules.Violation(row["rule"], row["start"], row["end"], row["hours"], row["detail"]),
                                       row["day"], row["rotation"], row["note"]))
    for found in out.values():
        found.sort(key=lambda found_row: (found_row[0].start, rules.RULES.index(found_row[0].rule)))
    return out


def compliance_report(*, program, start: dt.date, end: dt.date, tz: ZoneInfo | None = None) -> ComplianceReport:
    """Violations of the program's residents in ``start``..``end`` from the stored findings: the
    rows (resident, violation, rotation it started in, note), a summary per resident and rule,
    counts per month and rule, when they were computed and who is still being recomputed.
    A resident whose findings are stale or missing (or computed for another PGY level or time
    zone: ``is_fresh``) is listed as pending, never with old numbers. Two prepared queries of
    ``values()`` rows (the residents with their state; the findings with their rotation and note)
    whatever the number of residents or entries; no rules engine, no model instances (the page
    lists 100 residents: issue 15). ``tz``: the program's time zone when the caller has it
    (``time_zone_named``), else read from its policy."""
    tz = tz or program_time_zone(program)
    zone, codes = str(tz.key), [rule for rule in rules.RULES if rule not in rules.WARNINGS]
    found = _report_findings(company_id=program.company_id, program_id=program.pk, start=start, end=end, tz=tz)
    rows, summaries, pending, months, oldest = [], [], [], defaultdict(lambda: defaultdict(int)), None
    # one query of values() rows; the LEFT JOIN gives None for a resident never computed
    for row in _report_residents(company_id=program.company_id, program_id=program.pk):
        pgy, computed = row["pgy_level"], row["compliance_state__computed_at"]
        name = f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__email"]
        learner = Resident(row["id"], name, pgy)
        counts, warnings = dict.fromkeys(codes, 0), 0
        fresh = (row["compliance_state__stale"] is False and row["compliance_state__pgy_level"] == pgy
                 and row["compliance_state__time_zone"] == zone)  # is_fresh, on the row
        if not fresh:  # never old numbers
            pending.append(learner)
        else:
            if computed and (oldest is None or computed < oldest):
                oldest = computed
            for v, day, rotation, note in found.get(learner.pk, ()):
                rows.append(ViolationRow(learner, v, rotation or "", note or ""))
                if v.is_warning:
                    warnings += 1
                    continue
                counts[v.rule] += 1
                months[day.strftime("%Y-%m")][v.rule] += 1
        summaries.append(ResidentSummary(learner, counts, warnings, fresh, computed))
    trend = [(month, [months[month].get(rule, 0) for rule in codes]) for month in sorted(months)]
    return ComplianceReport(rows, summaries, trend, oldest, pending)
