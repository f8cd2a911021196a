"""Pages keep a constant number of queries however much data there is (two sizes each), and the
CCC's selector reads two queries for any number of learners."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.hours import findings, rules, selectors
from apps.hours.models import PlannedShift, TimeRecord, WorkEntry
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/New_York")


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _days_of_work(learner, days, first_day):
    for offset in range(days):
        start = dt.datetime.combine(first_day - dt.timedelta(days=offset), dt.time(6), tzinfo=TZ)
        WorkEntry.objects.create(learner=learner, company=learner.company, kind=rules.CLINICAL, start=start,
                                 end=start + dt.timedelta(hours=12))
    findings.compliance_recompute(company_id=learner.company_id, learner_id=learner.pk)


def _records(sam, assignment, count):
    for n in range(count):
        start = timezone.now() - dt.timedelta(days=n + 1, hours=9)
        TimeRecord.objects.create(assignment=assignment, learner=sam, site=assignment.site, company=sam.company,
                                  status="pending", clock_in=start, clock_out=start + dt.timedelta(hours=8),
                                  total_hours=Decimal(8), flag_no_location=n % 2 == 0)


def test_rheas_week_grid_and_coras_roster_and_drill_down_stay_constant(client, rhea, cora, surgery):
    today = timezone.localtime(timezone.now(), TZ).date()
    _days_of_work(rhea, 3, today - dt.timedelta(days=1))
    client.force_login(rhea.user)
    week_small = _queries(client, "/hours/week/")
    client.force_login(cora)
    roster_small = _queries(client, f"/hours/programs/{surgery.pk}/roster/")
    drill_small = _queries(client, f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/")
    _days_of_work(rhea, 40, today - dt.timedelta(days=4))
    for n in range(10):
        start = dt.datetime.combine(today + dt.timedelta(days=n), dt.time(17), tzinfo=TZ)
        PlannedShift.objects.create(learner=LearnerFactory(program=surgery), company=rhea.company,
                                    kind=rules.IN_HOUSE_CALL, start=start, end=start + dt.timedelta(hours=14),
                                    created_by=cora)
    client.force_login(rhea.user)
    assert _queries(client, "/hours/week/") == week_small
    client.force_login(cora)
    assert _queries(client, f"/hours/programs/{surgery.pk}/roster/") == roster_small
    assert _queries(client, f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/") == drill_small


def test_the_approval_queue_and_sams_records_stay_constant(client, sam, sams_rotation, paula):
    _records(sam, sams_rotation, 2)
    client.force_login(paula.user)
    approvals_small = _queries(client, "/hours/approvals/")
    client.force_login(sam.user)
    records_small, clock_small = _queries(client, "/hours/records/"), _queries(client, "/hours/clock/")
    _records(sam, sams_rotation, 12)
    client.force_login(paula.user)
    assert _queries(client, "/hours/approvals/") == approvals_small
    client.force_login(sam.user)
    assert _queries(client, "/hours/records/") == records_small
    assert _queries(client, "/hours/clock/") == clock_small


def test_violations_for_learners_reads_two_queries_for_any_number_of_learners(rhea, surgery,
                                                                              django_assert_num_queries):
    today = timezone.localtime(timezone.now(), TZ).date()
    others = [LearnerFactory(program=surgery, pgy_level=1) for _ in range(5)]
    for learner in [rhea, *others]:
        _days_of_work(learner, 30, today - dt.timedelta(days=1))
    with django_assert_num_queries(2):
        found = selectors.violations_for_learners(company_id=surgery.company_id,
                                                  learner_ids=[rhea.pk, *[o.pk for o in others]],
                                                  start=today - dt.timedelta(days=30), end=today)
    assert set(found) == {rhea.pk, *[o.pk for o in others]}
    assert all({v.rule for v in found[o.pk]} >= {"hours_80", "day_off"} for o in others)
    violation = found[rhea.pk][0]
    assert {"rule", "start", "end", "detail"} <= set(vars(violation))
