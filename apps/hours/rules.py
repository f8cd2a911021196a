"""The work-hour rules engine: pure functions over a resident's entries and a period.

No ORM, no settings, no clock: ``check(entries, start=, end=, tz=, pgy_level=)`` takes plain
``Entry`` tuples (aware ``start``/``end`` datetimes and a ``kind``) and returns ``Violation``s.
Pages, the CSV export, the API, the warn-before-breach projection and the CCC engineer's
``selectors.violations_for_learners`` all call this one function.

The rules are the ACGME Common Program Requirements (Residency), section VI.F "Clinical
Experience and Education", made exact by issue 15 (where the issue is more precise than the
ACGME text, the issue is the spec). Citations give the VI.F number of the 2023 edition and,
after a slash, the § of the 2025 reformatted edition, which renumbered the section without
changing its text:

* ACGME Common Program Requirements (Residency), 2023 edition (v3), Section VI.F —
  https://www.acgme.org/globalassets/pfassets/programrequirements/cprresidency_2023v3.pdf
* ACGME Common Program Requirements (Residency), 2025 reformatted edition, effective
  3 September 2025, §6.20–6.28 —
  https://www.acgme.org/globalassets/pfassets/programrequirements/2025-reformatted-requirements/cprresidency_2025_reformatted.pdf

How far the numbers are checked (issue 15, 2026-11-26): the published PDFs themselves were not
reachable from here. VI.F.5.b and VI.F.5.c (moonlighting counted; PGY-1 may not moonlight) were
read verbatim in the CPR text of the 2019 edition (effective 1 July 2019) as reprinted in a
"Residency Program Director Guide" (2019). The other numbers come from two independent
crosswalks of the 2023 edition to the 2025 §6.2x numbering that quote the requirement texts
(third-party, not ACGME). By them, the numbers this module used before (8 h off VI.F.2.b, 14 h
after call VI.F.2.c, one day in seven VI.F.2.d) were one letter off for the 2023 edition: they
are now VI.F.2.a, VI.F.2.b and VI.F.2.c. Check them against the PDFs above before quoting them
to an accreditor; docs/hours.md has the table.

Definitions used by every rule (docs/hours.md has the table):

* **Time with no entry is free.** Entries may overlap; overlapping or touching entries of the
  kinds a rule looks at are merged first (never counted twice). All arithmetic is in whole
  seconds.
* **Window**: any 28 consecutive days starting at a local midnight (in ``tz``, so a window
  across a daylight-saving change is 671 or 673 hours long) that overlaps the period checked
  (``start``..``end``, both dates inclusive). Window rules report runs of consecutive failing
  windows as one violation: ``start`` = the first failing window's start, ``end`` = the last
  failing window's end, ``hours``/``detail`` = the worst window.
* **Counted hours** (``hours_80``): in-house clinical work, in-house call, clinical work from
  home, time called in (or working) from at-home call, internal and external moonlighting.
  At-home call counts only for the time called in (VI.F.8.a / §6.28). Education entries are not in
  the issue's list and are not counted.
* **In-house duty** (``shift_24_4``, ``rest_14_after_24``, ``call_q3``): in-house clinical work,
  in-house call and internal moonlighting (worked in-house). Back-to-back (touching or
  overlapping) entries are one duty period.
* **Free** for ``rest_14_after_24`` and ``rest_8``: no entry of any kind except at-home call
  while not called in (VI.F.2.b / §6.21.a: "free of clinical work and education"). For ``day_off``, free
  means no entry at all — not even at-home call (VI.F.2.c / §6.21.b: at-home call cannot be assigned on
  the free days).

Cost: linear in the number of entries plus the number of days in the period (one sort, one
sweep per rule, prefix sums over local days for the 28-day windows; never a quadratic scan).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------- kinds and codes
CLINICAL = "clinical"                  # in-house clinical work
IN_HOUSE_CALL = "in_house_call"        # in-house call
HOME_CALL = "home_call"                # at-home call (available, not working)
HOME_CALL_WORKED = "home_call_worked"  # time called in or working while on at-home call
HOME_WORK = "home_work"                # clinical work from home
MOONLIGHT_INTERNAL = "moonlight_internal"
MOONLIGHT_EXTERNAL = "moonlight_external"
EDUCATION = "education"

KINDS = (CLINICAL, IN_HOUSE_CALL, HOME_CALL, HOME_CALL_WORKED, HOME_WORK, MOONLIGHT_INTERNAL,
         MOONLIGHT_EXTERNAL, EDUCATION)
COUNTED = frozenset({CLINICAL, IN_HOUSE_CALL, HOME_CALL_WORKED, HOME_WORK, MOONLIGHT_INTERNAL,
                     MOONLIGHT_EXTERNAL})
IN_HOUSE = frozenset({CLINICAL, IN_HOUSE_CALL, MOONLIGHT_INTERNAL})
MOONLIGHTING = frozenset({MOONLIGHT_INTERNAL, MOONLIGHT_EXTERNAL})
NOT_FREE_FOR_REST = frozenset(KINDS) - {HOME_CALL}
# rest_8 compares *scheduled* periods (VI.F.2.a / §6.21); a call-in from home is not one.
SCHEDULED = NOT_FREE_FOR_REST - {HOME_CALL_WORKED}

HOURS_80 = "hours_80"
DAY_OFF = "day_off"
SHIFT_24_4 = "shift_24_4"
REST_14_AFTER_24 = "rest_14_after_24"
CALL_Q3 = "call_q3"
PGY1_MOONLIGHTING = "pgy1_moonlighting"
REST_8 = "rest_8"
RULES = (HOURS_80, DAY_OFF, SHIFT_24_4, REST_14_AFTER_24, CALL_Q3, PGY1_MOONLIGHTING, REST_8)
WARNINGS = frozenset({REST_8})
RULE_LABELS = {
    HOURS_80: "More than 80 hours a week averaged over four weeks",
    DAY_OFF: "Fewer than one day free in seven averaged over four weeks",
    SHIFT_24_4: "Continuous in-house duty longer than 24 + 4 hours",
    REST_14_AFTER_24: "Less than 14 hours free after 24 hours of in-house duty",
    CALL_Q3: "In-house call more often than every third night averaged over four weeks",
    PGY1_MOONLIGHTING: "Moonlighting by a PGY-1 resident",
    REST_8: "Less than 8 hours off between duty periods (should)",
}

HOUR = 3600
DAY = 24 * HOUR
WINDOW_DAYS = 28
MAX_WINDOW_SECONDS = 320 * HOUR          # VI.F.1 / §6.20: 80 h/week × 4 weeks
MIN_FREE_DAYS = 4                        # VI.F.2.c / §6.21.b: 1 day in 7 × 4 weeks
MAX_DUTY_SECONDS = 28 * HOUR             # VI.F.3.a + VI.F.3.a.(1) / §6.22 + §6.22.a: 24 h + up to 4 h
LONG_DUTY_SECONDS = 24 * HOUR            # VI.F.2.b / §6.21.a
REST_AFTER_LONG_SECONDS = 14 * HOUR      # VI.F.2.b / §6.21.a
MAX_CALLS_PER_WINDOW = 9                 # VI.F.7 / §6.27: every third night over 28 nights → 28/3 → 9
REST_SECONDS = 8 * HOUR                  # VI.F.2.a / §6.21 ("should")


@dataclass(frozen=True)
class Entry:
    start: dt.datetime
    end: dt.datetime
    kind: str
    ref: object = None  # the caller's id (drill-down); never read here


@dataclass(frozen=True)
class Violation:
    rule: str
    start: dt.datetime
    end: dt.datetime
    hours: Decimal | None = None
    detail: str = ""
    refs: tuple = field(default=(), compare=False)

    @property
    def is_warning(self) -> bool:
        return self.rule in WARNINGS

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / HOUR).quantize(Decimal("0.01"))


def _ts(value) -> int:
    """Epoch seconds of an aware datetime (or of epoch seconds already: bulk readers pass ints)."""
    if isinstance(value, int):
        return value
    if value.tzinfo is None:
        raise ValueError("entries need aware datetimes")
    return int(value.timestamp())


def _at(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def _merge(spans):
    """(start, end, ref) spans sorted by start → merged (start, end, refs); touching spans merge too."""
    merged = []
    for start, end, ref in spans:
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] + (ref,))
        else:
            merged.append((start, end, (ref,)))
    return merged


def _spans(spans, kinds):
    """(start, end, ref) of the spans of these kinds (``spans``: from ``_prepare``, sorted)."""
    return [(s, e, ref) for s, e, kind, ref in spans if kind in kinds]


def _prepare(entries):
    """Entries → sorted (start, end, kind, ref) in epoch seconds, empty ones dropped (once per check)."""
    out = []
    for entry in entries:
        s, e = _ts(entry.start), _ts(entry.end)
        if e > s:
            out.append((s, e, entry.kind, entry.ref))
    out.sort(key=lambda span: (span[0], span[1]))
    return out


# ---------------------------------------------------------------- the calendar of local days
class _Days:
    """Local midnights from ``first`` to ``last`` + 1 day (as UTC timestamps)."""

    def __init__(self, first: dt.date, last: dt.date, tz: ZoneInfo):
        count = (last - first).days + 2
        self.dates = [first + dt.timedelta(days=i) for i in range(count)]
        self.edges = [int(dt.datetime.combine(d, dt.time(), tzinfo=tz).timestamp()) for d in self.dates]

    def seconds_per_day(self, merged):
        """Seconds of ``merged`` spans falling in each local day (one pass over spans and days)."""
        edges, out = self.edges, [0] * (len(self.edges) - 1)
        for start, end, _ in merged:
            start, end = max(start, edges[0]), min(end, edges[-1])
            if end <= start:
                continue
            i = bisect_right(edges, start) - 1
            while i < len(out) and edges[i] < end:
                out[i] += min(end, edges[i + 1]) - max(start, edges[i])
                i += 1
        return out


@lru_cache(maxsize=64)
def _days(first: dt.date, last: dt.date, tz) -> _Days:
    """The calendar of a period, shared by every learner checked over it (read-only)."""
    return _Days(first, last, tz)


def _prefix(values):
    out = [0]
    for v in values:
        out.append(out[-1] + v)
    return out


def _window_runs(rule, days, n_windows, failing, worst_value, describe):
    """Consecutive failing windows → one Violation each run (worst window's figures)."""
    out, i = [], 0
    while i < n_windows:
        if not failing(i):
            i += 1
            continue
        j, worst = i, i
        while j + 1 < n_windows and failing(j + 1):
            j += 1
            if worst_value(j) > worst_value(worst):
                worst = j
        hours, detail = describe(worst)
        out.append(Violation(rule, _at(days.edges[i]), _at(days.edges[j + WINDOW_DAYS]), hours, detail))
        i = j + 1
    return out


# ---------------------------------------------------------------- the rules
def check(entries, *, start: dt.date, end: dt.date, tz, pgy_level: int | None = None) -> list[Violation]:
    """Every violation and warning whose window or event overlaps ``start``..``end`` (local dates,
    inclusive), sorted by start then rule. Pass entries from at least 28 days before ``start``
    to 28 days after ``end`` for the windows at the edges to be complete."""
    if isinstance(tz, str):
        tz = ZoneInfo(tz)
    if end < start:
        return []
    first_window = start - dt.timedelta(days=WINDOW_DAYS - 1)
    days = _days(first_window, end + dt.timedelta(days=WINDOW_DAYS - 1), tz)
    n_windows = (end - first_window).days + 1
    period = (days.edges[WINDOW_DAYS - 1], days.edges[-WINDOW_DAYS])  # start 00:00 .. end+1 00:00
    spans = _prepare(entries)
    out = []
    out += hours_80(spans, days, n_windows)
    out += day_off(spans, days, n_windows)
    out += call_q3(spans, days, n_windows)
    out += [v for v in duty_rules(spans) if _overlaps(v, period)]
    out += [v for v in pgy1_moonlighting(spans, pgy_level) if _overlaps(v, period)]
    out.sort(key=lambda v: (v.start, RULES.index(v.rule)))
    return out


def _overlaps(violation, period) -> bool:
    return _ts(violation.start) < period[1] and _ts(violation.end) >= period[0]


def hours_80(spans, days, n_windows):
    """``hours_80`` — VI.F.1 / §6.20: no more than 80 hours a week averaged over four weeks, counting
    in-house work and call, clinical work from home, time called in from at-home call (VI.F.8.a)
    and all moonlighting (VI.F.5.b / §6.25.a). Exact: a window with more than 320 h (1,152,000 s) fails;
    320 h exactly passes."""
    per_day = _prefix(days.seconds_per_day(_merge(_spans(spans, COUNTED))))

    def total(i):
        return per_day[i + WINDOW_DAYS] - per_day[i]

    return _window_runs(HOURS_80, days, n_windows, lambda i: total(i) > MAX_WINDOW_SECONDS, total,
                        lambda i: (_hours(total(i)), f"{_hours(total(i))} h in the 28 days from "
                                                     f"{days.dates[i]:%Y-%m-%d} (limit 320 h)"))


def day_off(spans, days, n_windows):
    """``day_off`` — VI.F.2.c / §6.21.b: one day in seven free of clinical work and required education,
    averaged over four weeks; at-home call cannot be assigned on those days. Exact: a day free
    is a continuous 24-hour period with no entry at all (any kind, at-home call included); a
    longer free period counts one day per full 24 hours; free periods are cut at the window's
    edges. A window with fewer than 4 days free fails — bunched days off satisfy the average."""
    lo, hi = days.edges[0], days.edges[-1]
    busy = _merge([(max(s, lo), min(e, hi), r) for s, e, r in _spans(spans, KINDS) if e > lo and s < hi])
    gaps, cursor = [], lo  # free periods, disjoint and sorted
    for s, e, _ in busy:
        if s > cursor:
            gaps.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < hi:
        gaps.append((cursor, hi))
    gap_starts = [g[0] for g in gaps]
    gap_ends = [g[1] for g in gaps]
    full_days = _prefix([(e - s) // DAY for s, e in gaps])

    def free_days(i):
        ws, we = days.edges[i], days.edges[i + WINDOW_DAYS]
        a = bisect_left(gap_starts, ws)   # first gap starting inside the window
        b = bisect_right(gap_ends, we)    # gaps [0, b) end inside the window
        count = full_days[b] - full_days[a] if b > a else 0
        # the gap crossing the window's start and the one crossing its end, cut at the edges
        k = a - 1
        if k >= 0 and gap_ends[k] > ws:
            count += (min(gap_ends[k], we) - ws) // DAY
        if b < len(gaps) and gap_starts[b] < we and b >= a:
            count += (we - max(gap_starts[b], ws)) // DAY
        return count

    return _window_runs(DAY_OFF, days, n_windows, lambda i: free_days(i) < MIN_FREE_DAYS,
                        lambda i: -free_days(i),
                        lambda i: (None, f"{free_days(i)} days free in the 28 days from "
                                         f"{days.dates[i]:%Y-%m-%d} (at least 4)"))


def call_q3(spans, days, n_windows):
    """``call_q3`` — VI.F.7 / §6.27: in-house call no more often than every third night, averaged over
    four weeks. Exact: more than 9 in-house calls starting within a window fails (back-to-back
    call entries are one call)."""
    calls = _merge(_spans(spans, {IN_HOUSE_CALL}))
    per_day = [0] * (len(days.edges) - 1)
    for s, _, _ in calls:
        if days.edges[0] <= s < days.edges[-1]:
            per_day[bisect_right(days.edges, s) - 1] += 1
    prefix = _prefix(per_day)

    def count(i):
        return prefix[i + WINDOW_DAYS] - prefix[i]

    return _window_runs(CALL_Q3, days, n_windows, lambda i: count(i) > MAX_CALLS_PER_WINDOW, count,
                        lambda i: (None, f"{count(i)} in-house calls in the 28 days from "
                                         f"{days.dates[i]:%Y-%m-%d} (at most 9)"))


def duty_rules(spans):
    """``shift_24_4``, ``rest_14_after_24`` and the ``rest_8`` warning.

    * ``shift_24_4`` — VI.F.3.a and VI.F.3.a.(1) / §6.22 and §6.22.a: continuous scheduled in-house duty at most
      24 hours plus up to 4 hours for transitions. Exact: a duty period (back-to-back in-house
      entries merged) longer than 28 h fails; 28 h exactly passes.
    * ``rest_14_after_24`` — VI.F.2.b / §6.21.a: at least 14 hours free of clinical work and education
      after 24 hours of in-house call. Exact: after a duty period of 24 h or more, the time
      until the next entry that is not at-home call (a call-in counts) must be at least 14 h;
      with no later entry the rest is complete.
    * ``rest_8`` (warning) — VI.F.2.a / §6.21: residents *should* have 8 hours off between scheduled
      periods. Periods are merged scheduled entries (everything but at-home call and its
      call-ins); a gap under 8 h warns, unless ``rest_14_after_24`` already reports that gap.
    """
    out = []
    not_free = _merge(_spans(spans, NOT_FREE_FOR_REST))
    starts = [s for s, _, _ in not_free]
    long_ends = set()
    for s, e, refs in _merge(_spans(spans, IN_HOUSE)):
        length = e - s
        if length > MAX_DUTY_SECONDS:
            out.append(Violation(SHIFT_24_4, _at(s), _at(e), _hours(length),
                                 f"{_hours(length)} h of continuous in-house duty (limit 28 h)", refs))
        if length >= LONG_DUTY_SECONDS:
            k = bisect_right(starts, e - 1)  # not_free[k - 1] holds this duty period
            if not_free[k - 1][1] > e:
                rest = 0  # other work or education follows without a break
            else:
                rest = not_free[k][0] - e if k < len(not_free) else None
            if rest is not None and rest < REST_AFTER_LONG_SECONDS:
                out.append(Violation(REST_14_AFTER_24, _at(e), _at(e + rest), _hours(rest),
                                     f"{_hours(rest)} h free after {_hours(length)} h of in-house duty "
                                     f"(at least 14 h)", refs))
                long_ends.add(e)
    scheduled = _merge(_spans(spans, SCHEDULED))
    for (_, prev_end, prev_refs), (nxt_start, _, nxt_refs) in zip(scheduled, scheduled[1:], strict=False):
        gap = nxt_start - prev_end
        if gap < REST_SECONDS and prev_end not in long_ends:
            out.append(Violation(REST_8, _at(prev_end), _at(nxt_start), _hours(gap),
                                 f"{_hours(gap)} h off between duty periods (should be 8 h)",
                                 prev_refs + nxt_refs))
    return out


def pgy1_moonlighting(spans, pgy_level):
    """``pgy1_moonlighting`` — VI.F.5.c (§ of the 2025 edition not found): PGY-1 residents are not permitted to moonlight. Every
    internal or external moonlighting entry of a PGY-1 is a violation."""
    if pgy_level != 1:
        return []
    return [Violation(PGY1_MOONLIGHTING, _at(s), _at(e), _hours(e - s), "Moonlighting while PGY-1", (ref,))
            for s, e, kind, ref in spans if kind in MOONLIGHTING]
