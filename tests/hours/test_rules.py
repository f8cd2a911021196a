"""The rules engine at each exact edge (issue 15, "Must show"). Pure functions: no database."""

import datetime as dt
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.hours import rules as r

TZ = ZoneInfo("America/New_York")
DAY0 = dt.date(2026, 3, 2)  # a Monday


def at(day, hour=0, minute=0):
    """Local time ``day`` days after DAY0 (wall clock, DST-aware)."""
    return dt.datetime.combine(DAY0 + dt.timedelta(days=day), dt.time(), tzinfo=TZ) + dt.timedelta(
        hours=hour, minutes=minute)


def e(kind, start, end):
    return r.Entry(start, end, kind)


def check(entries, *, days=(0, 27), pgy=2):
    return r.check(entries, start=DAY0 + dt.timedelta(days=days[0]), end=DAY0 + dt.timedelta(days=days[1]),
                   tz=TZ, pgy_level=pgy)


def codes(violations):
    return sorted({v.rule for v in violations})


def days_with_one_day_off_a_week(hours_per_day, kind=r.CLINICAL, first_day=0):
    """Six working days a week for four weeks from 06:00 (one free day each Sunday)."""
    out = []
    for day in range(28):
        if day % 7 == 6:
            continue
        start = at(first_day + day, 6)
        out.append(e(kind, start, start + dt.timedelta(hours=hours_per_day)))
    return out


# ---------------------------------------------------------------- hours_80
def test_320_hours_in_a_window_is_compliant_320_and_a_half_is_not():
    base = [e(x.kind, x.start, x.start + dt.timedelta(hours=13, minutes=20))  # 24 days × 13h20m = 320 h
            for x in days_with_one_day_off_a_week(0)]
    assert r.HOURS_80 not in codes(check(base))
    over = base + [e(r.EDUCATION, at(6, 6), at(6, 7))]  # education is not counted
    assert r.HOURS_80 not in codes(check(over))
    over = base + [e(r.CLINICAL, at(6, 6), at(6, 6, 30))]
    [violation] = [v for v in check(over) if v.rule == r.HOURS_80]
    assert violation.hours == Decimal("320.50")
    assert "320.50 h" in violation.detail


def test_moonlighting_counts_toward_80_hours():
    base = [e(x.kind, x.start, x.start + dt.timedelta(hours=13, minutes=20)) for x in days_with_one_day_off_a_week(0)]
    assert r.HOURS_80 not in codes(check(base))
    for kind in (r.MOONLIGHT_INTERNAL, r.MOONLIGHT_EXTERNAL, r.HOME_WORK):
        assert r.HOURS_80 in codes(check(base + [e(kind, at(6, 20), at(6, 21))])), kind


def test_at_home_call_counts_only_when_called_in():
    base = [e(x.kind, x.start, x.start + dt.timedelta(hours=13, minutes=20)) for x in days_with_one_day_off_a_week(0)]
    home_call = [e(r.HOME_CALL, at(d, 19, 20), at(d + 1, 5)) for d in range(0, 27) if d % 7 < 5]
    assert r.HOURS_80 not in codes(check(base + home_call))
    called_in = [e(r.HOME_CALL_WORKED, at(2, 23), at(2, 23, 30))]
    assert r.HOURS_80 in codes(check(base + home_call + called_in))


def test_overlapping_entries_are_not_counted_twice():
    base = [e(x.kind, x.start, x.start + dt.timedelta(hours=13, minutes=20)) for x in days_with_one_day_off_a_week(0)]
    duplicate = [e(r.IN_HOUSE_CALL, base[0].start, base[0].end)]
    assert r.HOURS_80 not in codes(check(base + duplicate))


def test_consecutive_failing_windows_are_one_violation_at_the_worst_window():
    entries = [e(r.CLINICAL, at(d, 6), at(d, 18)) for d in range(28)]  # 336 h, no day off
    [violation] = [v for v in check(entries) if v.rule == r.HOURS_80]
    assert violation.hours == Decimal("336.00")


# ---------------------------------------------------------------- day_off
def test_four_days_free_pass_three_fail():
    entries = days_with_one_day_off_a_week(10)
    assert r.DAY_OFF not in codes(check(entries, days=(0, 0)))
    # work the last Sunday in the first window (day 20): only three free days left there
    entries.append(e(r.CLINICAL, at(20, 6), at(20, 8)))
    assert r.DAY_OFF in codes(check(entries, days=(0, 0)))


def test_bunched_days_off_still_satisfy_the_average():
    # 24 days of work, the last one until midnight, then four free days in a row (day 24 00:00 …
    # the window's end, day 28 00:00 = 4 × 24 h)
    work = [e(r.CLINICAL, at(d, 6), at(d, 16)) for d in range(23)]
    assert r.DAY_OFF not in codes(check(work + [e(r.CLINICAL, at(23, 6), at(24, 0))], days=(0, 0)))
    # one minute less of the free stretch → only three full days
    assert r.DAY_OFF in codes(check(work + [e(r.CLINICAL, at(23, 6), at(24, 0, 1))], days=(0, 0)))


def test_a_day_free_is_24_hours_not_a_calendar_day():
    # shifts 18:00–06:00 every night: no calendar day is clean, and no 24-hour gap exists
    entries = [e(r.CLINICAL, at(d, 18), at(d + 1, 6)) for d in range(-1, 30) if d % 7 != 5]
    # each skipped night leaves 06:00 … 18:00 next day = 36 h = one day free
    assert r.DAY_OFF in codes(check(entries, days=(0, 0)))


def test_at_home_call_is_not_a_free_day():
    entries = days_with_one_day_off_a_week(10)
    assert r.DAY_OFF not in codes(check(entries, days=(0, 0)))
    entries.append(e(r.HOME_CALL, at(6, 12), at(6, 13)))
    assert r.DAY_OFF in codes(check(entries, days=(0, 0)))


# ---------------------------------------------------------------- shift_24_4
def test_28_hours_of_duty_is_allowed_28_hours_and_a_minute_is_not():
    ok = [e(r.IN_HOUSE_CALL, at(1, 7), at(2, 11))]
    assert r.SHIFT_24_4 not in codes(check(ok))
    over = [e(r.IN_HOUSE_CALL, at(1, 7), at(2, 11, 1))]
    [violation] = [v for v in check(over) if v.rule == r.SHIFT_24_4]
    assert violation.start == at(1, 7) and violation.end == at(2, 11, 1)


def test_back_to_back_entries_are_one_duty_period():
    entries = [e(r.CLINICAL, at(1, 7), at(1, 17)), e(r.IN_HOUSE_CALL, at(1, 17), at(2, 7)),
               e(r.CLINICAL, at(2, 7), at(2, 11, 1))]
    assert r.SHIFT_24_4 in codes(check(entries))
    apart = [e(r.CLINICAL, at(1, 7), at(1, 17)), e(r.IN_HOUSE_CALL, at(1, 17, 1), at(2, 11, 1))]
    assert r.SHIFT_24_4 not in codes(check(apart))


# ---------------------------------------------------------------- rest_14_after_24
def test_14_hours_free_after_24_hour_call_pass_13_59_fail():
    call = e(r.IN_HOUSE_CALL, at(1, 7), at(2, 7))
    assert r.REST_14_AFTER_24 not in codes(check([call, e(r.CLINICAL, at(2, 21), at(3, 6))]))
    short = check([call, e(r.CLINICAL, at(2, 20, 59), at(3, 6))])
    [violation] = [v for v in short if v.rule == r.REST_14_AFTER_24]
    assert violation.start == at(2, 7) and violation.end == at(2, 20, 59)
    assert violation.hours == Decimal("13.98")
    assert r.REST_8 not in codes(short)  # the same gap is not reported twice


def test_a_23_hour_shift_needs_no_14_hours():
    entries = [e(r.IN_HOUSE_CALL, at(1, 7), at(2, 6)), e(r.CLINICAL, at(2, 16), at(2, 20))]
    assert r.REST_14_AFTER_24 not in codes(check(entries))


def test_education_or_a_call_in_breaks_the_rest_but_uncalled_home_call_does_not():
    call = e(r.IN_HOUSE_CALL, at(1, 7), at(2, 7))
    assert r.REST_14_AFTER_24 not in codes(check([call, e(r.HOME_CALL, at(2, 17), at(3, 7))]))
    assert r.REST_14_AFTER_24 in codes(check([call, e(r.EDUCATION, at(2, 12), at(2, 13))]))
    assert r.REST_14_AFTER_24 in codes(check([call, e(r.HOME_CALL_WORKED, at(2, 17), at(2, 18))]))
    assert r.REST_14_AFTER_24 in codes(check([call, e(r.EDUCATION, at(2, 7), at(2, 8))]))


# ---------------------------------------------------------------- call_q3
def test_nine_calls_in_a_window_pass_ten_fail():
    nine = [e(r.IN_HOUSE_CALL, at(d, 17), at(d + 1, 7)) for d in range(0, 27, 3)]
    assert len(nine) == 9
    assert r.CALL_Q3 not in codes(check(nine))
    ten = nine + [e(r.IN_HOUSE_CALL, at(25, 17), at(26, 7))]
    assert r.CALL_Q3 in codes(check(ten))


def test_back_to_back_call_entries_are_one_call():
    nine = [e(r.IN_HOUSE_CALL, at(d, 17), at(d + 1, 7)) for d in range(0, 27, 3)]
    split = nine + [e(r.IN_HOUSE_CALL, at(1, 7), at(1, 8))]  # continues the first call
    assert r.CALL_Q3 not in codes(check(split))


# ---------------------------------------------------------------- pgy1_moonlighting and rest_8
def test_pgy1_moonlighting_is_a_violation_pgy2_is_not():
    shift = [e(r.MOONLIGHT_EXTERNAL, at(3, 18), at(3, 22))]
    assert codes(check(shift, pgy=1)) == [r.PGY1_MOONLIGHTING]
    assert codes(check(shift, pgy=2)) == []
    assert codes(check([e(r.MOONLIGHT_INTERNAL, at(3, 18), at(3, 22))], pgy=1)) == [r.PGY1_MOONLIGHTING]


def test_rest_8_is_a_warning_at_7_59_not_at_8():
    ok = [e(r.CLINICAL, at(1, 6), at(1, 18)), e(r.CLINICAL, at(2, 2), at(2, 10))]
    assert codes(check(ok)) == []
    short = [e(r.CLINICAL, at(1, 6), at(1, 18)), e(r.CLINICAL, at(2, 1, 59), at(2, 10))]
    [warning] = check(short)
    assert warning.rule == r.REST_8 and warning.is_warning and warning.hours == Decimal("7.98")


# ---------------------------------------------------------------- windows and the period
def test_windows_start_at_local_midnight_across_daylight_saving():
    # 2026-03-08 is the US spring-forward day: the window from 2026-03-02 is 671 hours long
    entries = [e(r.CLINICAL, at(d, 0), at(d, 12)) for d in range(28)]
    [violation] = [v for v in check(entries, days=(0, 0)) if v.rule == r.HOURS_80]
    # the worst window is the one from 2026-03-02: 28 × 12 h less the hour lost on 2026-03-08
    assert violation.hours == Decimal("335.00") and "from 2026-03-02" in violation.detail
    assert violation.start == at(-1)  # the window from 2026-03-01 (27 × 12 h = 324 h) fails too
    assert violation.end == at(28)


def test_violations_outside_the_period_are_not_reported():
    over = [e(r.IN_HOUSE_CALL, at(1, 7), at(2, 12))]
    assert codes(check(over, days=(40, 50))) == []
    assert codes(check(over, days=(2, 2))) == [r.SHIFT_24_4]


def _steps(n_days):
    """Lines of apps/hours/rules.py executed by one check of ``n_days`` days of mixed entries (a
    day shift, an education hour on Wednesdays, in-house call every fourth night, at-home call
    with a call-in on Saturdays) over those days: the engine's work, independent of the clock."""
    entries = []
    for d in range(n_days):
        if d % 4 == 0:
            entries.append(e(r.IN_HOUSE_CALL, at(d, 6), at(d + 1, 6)))
        elif d % 7 == 5:
            entries += [e(r.HOME_CALL, at(d, 8), at(d, 20)), e(r.HOME_CALL_WORKED, at(d, 13), at(d, 15))]
        elif d % 7 != 6:
            entries.append(e(r.CLINICAL, at(d, 7), at(d, 17 + d % 2)))
            if d % 7 == 2:
                entries.append(e(r.EDUCATION, at(d, 6), at(d, 7)))
    r._days.cache_clear()
    steps, rules_file = 0, r.__file__

    def tracer(frame, event, arg):
        nonlocal steps
        if frame.f_code.co_filename != rules_file:
            return None
        if event == "line":
            steps += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        found = check(entries, days=(0, n_days - 1))
    finally:
        sys.settrace(previous)
    assert found  # the mix breaks rules (call_q3, rest_8…): the rules' reporting paths run too
    return steps, len(entries)


def test_the_engine_is_linear_in_entries():
    """Four times the entries (and days) → about four times the steps; a quadratic scan would
    take sixteen times. Counted steps, not wall time, so a busy machine cannot make it flaky."""
    (small, n_small), (large, n_large) = _steps(180), _steps(720)
    assert 3.9 < n_large / n_small < 4.1
    assert 3.5 < large / small < 4.5, (small, large)
