"""Reads for clinical hours. Each returns scoped data with a fixed number of queries however
many learners or entries there are."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from apps.academics.models import Learner
from apps.hours import rules
from apps.hours.models import HoursPolicy, WorkEntry

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


def entries_by_learner(*, company_id, learner_ids, start: dt.date, end: dt.date, extra=None):
    """Logged work entries around ``start``..``end`` as ``rules.Entry`` lists, one query."""
    low, high = _bounds(start, end)
    out = defaultdict(list)
    rows = (WorkEntry.objects.for_company(company_id)
            .filter(learner_id__in=list(learner_ids), start__lt=high, end__gt=low)
            .order_by("start").values_list("learner_id", "start", "end", "kind", "pk"))
    for learner_id, s, e, kind, pk in rows:
        out[learner_id].append(rules.Entry(s, e, kind, pk))
    for learner_id, entries in (extra or {}).items():
        out[learner_id].extend(entries)
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
                                 start=start, end=end)
    return {lr.pk: rules.check(entries.get(lr.pk, []), start=start, end=end,
                               tz=program_time_zone(lr.program), pgy_level=lr.pgy_level)
            for lr in learners}
