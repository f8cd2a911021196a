"""The packet's work-hour violations: the stored findings of apps.hours where the resident's
``ComplianceState`` is current (no rules engine on the page), the engine over the logged entries
where it is not (missing or stale), the same queries either way."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.ccc import selectors
from apps.hours import findings, rules
from apps.hours.models import ComplianceState, WorkEntry

pytestmark = pytest.mark.django_db


def _thirty_hour_shift(learner):
    start = datetime.datetime(2026, 10, 5, 7, 0, tzinfo=datetime.UTC)
    WorkEntry.objects.create(learner=learner, kind=rules.IN_HOUSE_CALL, start=start,
                             end=start + datetime.timedelta(hours=30))


def _violations(meeting, learners):
    start, end = meeting.window
    with CaptureQueriesContext(connection) as queries:
        found = selectors.work_hour_violations(company_id=meeting.company_id, learner_ids=[lr.pk for lr in learners],
                                               start=start, end=min(end, meeting.date))
    return found, len(queries)


def test_a_current_state_reads_the_stored_findings_without_the_engine(committee, meeting, monkeypatch):
    ana, ben, cleo = committee["residents"]
    _thirty_hour_shift(ben)
    engine, engine_queries = _violations(meeting, [ana, ben, cleo])  # no state yet: the engine
    assert {v.rule for v in engine[ben.pk]} >= {rules.SHIFT_24_4} and engine[ana.pk] == []
    for learner in (ana, ben, cleo):
        findings.compliance_recompute(company_id=learner.company_id, learner_id=learner.pk)
    monkeypatch.setattr(rules, "check", lambda *args, **kwargs: pytest.fail("the engine ran"))
    stored, stored_queries = _violations(meeting, [ana, ben, cleo])
    assert [(v.rule, v.start, v.end) for v in stored[ben.pk]] == [(v.rule, v.start, v.end) for v in engine[ben.pk]]
    assert stored[ana.pk] == [] and stored[cleo.pk] == []
    assert stored_queries == engine_queries == 2


def test_a_stale_state_runs_the_engine_over_the_logged_entries(committee, meeting):
    ben = committee["residents"][1]
    findings.compliance_recompute(company_id=ben.company_id, learner_id=ben.pk)  # current, no findings
    _thirty_hour_shift(ben)  # written past the services: the state says stale only when marked
    ComplianceState.objects.for_company(ben.company_id).filter(learner=ben).update(stale=True)
    found, queries = _violations(meeting, [ben])
    assert rules.SHIFT_24_4 in {v.rule for v in found[ben.pk]} and queries == 2


def test_the_packet_page_shows_stored_findings_with_the_same_query_count(client, committee, meeting):
    ben = committee["residents"][1]
    _thirty_hour_shift(ben)
    client.force_login(committee["chair"])
    url = reverse("ccc:resident", args=[meeting.pk, ben.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as engine:
        before = client.get(url).content.decode()
    findings.compliance_recompute(company_id=ben.company_id, learner_id=ben.pk)
    with CaptureQueriesContext(connection) as stored:
        after = client.get(url).content.decode()
    assert "Continuous in-house duty longer than 24 + 4 hours" in before
    assert "Continuous in-house duty longer than 24 + 4 hours" in after
    assert len(engine) == len(stored)
