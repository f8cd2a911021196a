"""Stored compliance findings (issue 15): every write through the services recomputes the
resident's findings in a task started on commit (eager here), and the report, its CSV, the
drill-down and the API read what is stored — with a constant number of queries."""

import csv
import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from apps.academics.models import Learner
from apps.hours import findings, rules, services
from apps.hours.models import ComplianceFinding, ComplianceState, WorkEntry
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/New_York")


def local(day, hour=0, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def local_today():
    return timezone.localtime(timezone.now(), TZ).date()


def nearly_80(learner, local_today):
    """27 days up to the day before yesterday, 13.5 h a day but every seventh day off: 310.5 h in
    the 28 days ending yesterday (under 320), written in bulk like seed_scale, then recomputed."""
    for offset in range(27):
        if offset % 7 == 3:
            continue
        start = local(local_today - dt.timedelta(days=2 + offset), 6)
        WorkEntry.objects.create(learner=learner, company=learner.company, kind=rules.CLINICAL, start=start,
                                 end=start + dt.timedelta(hours=13, minutes=30))
    findings.compliance_recompute(company_id=learner.company_id, learner_id=learner.pk)


def report(client, program, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/hours/programs/{program.pk}/compliance/?{query}").content.decode()


def test_a_breach_logged_by_rhea_shows_on_coras_report_and_deleting_it_clears_it(
        client, rhea, cora, surgery, charlie, local_today, django_capture_on_commit_callbacks):
    nearly_80(rhea, local_today)
    client.force_login(cora)
    assert "h in the 28 days from" not in report(client, surgery)
    client.force_login(rhea.user)
    yesterday = local_today - dt.timedelta(days=1)
    with mock.patch.object(findings, "compliance_recompute", wraps=findings.compliance_recompute) as recompute, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hours/entries/new/", {
            "kind": rules.CLINICAL, "start": local(yesterday, 6).strftime("%Y-%m-%dT%H:%M"),
            "end": local(yesterday, 18).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert recompute.call_count == 1  # the task ran for the write, with the company explicit
    assert recompute.call_args.kwargs == {"company_id": str(rhea.company_id), "learner_id": str(rhea.pk)}
    client.force_login(cora)
    page = report(client, surgery)
    assert "hours_80" in page and "322.50 h in the 28 days" in page and "Computed at" in page
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/hours/programs/{surgery.pk}/compliance/export/").content.decode())))
    assert [r["rule"] for r in rows if r["resident"] == str(rhea.user)] == ["hours_80"]
    drill = client.get(f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/").content.decode()
    assert "322.50 h" in drill
    client.force_login(rhea.user)
    api = client.get(f"/api/hours/learners/{rhea.pk}/compliance/").json()
    assert api["pending"] is False and [v["rule"] for v in api["violations"]] == ["hours_80"]

    client.force_login(charlie)  # another company's coordinator: nothing of Rhea's anywhere
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/").status_code == 404
    assert client.get(f"/api/hours/learners/{rhea.pk}/compliance/").status_code == 404

    entry = WorkEntry.objects.for_company(rhea.company).get(start=local(yesterday, 6))
    client.force_login(rhea.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/hours/entries/{entry.pk}/delete/").status_code == 302
    client.force_login(cora)
    assert "h in the 28 days from" not in report(client, surgery)
    assert not ComplianceFinding.objects.for_company(rhea.company).filter(rule="hours_80").exists()


def test_editing_an_entry_recomputes_and_several_writes_in_one_transaction_start_one_task(
        client, rhea, cora, surgery, local_today, django_capture_on_commit_callbacks):
    nearly_80(rhea, local_today)
    yesterday = local_today - dt.timedelta(days=1)
    client.force_login(rhea.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hours/entries/new/", {"kind": rules.CLINICAL, "start": local(yesterday, 6).strftime("%Y-%m-%dT%H:%M"),
                                            "end": local(yesterday, 8).strftime("%Y-%m-%dT%H:%M")})
    entry = WorkEntry.objects.for_company(rhea.company).get(start=local(yesterday, 6))
    client.force_login(cora)
    assert "h in the 28 days from" not in report(client, surgery)
    client.force_login(rhea.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/hours/entries/{entry.pk}/", {"kind": rules.CLINICAL,
                                                    "start": local(yesterday, 6).strftime("%Y-%m-%dT%H:%M"),
                                                    "end": local(yesterday, 18).strftime("%Y-%m-%dT%H:%M")})
    client.force_login(cora)
    assert "h in the 28 days from" in report(client, surgery)

    with mock.patch.object(findings, "compliance_recompute", wraps=findings.compliance_recompute) as recompute:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for hour in (19, 20, 21):
                services.work_entry_create(actor=rhea.user, learner=rhea, kind=rules.EDUCATION,
                                           start=local(yesterday, hour), end=local(yesterday, hour, 30))
        assert recompute.call_count == 1  # three writes in one transaction: one recompute of the learner
        with django_capture_on_commit_callbacks(execute=True):
            services.work_entry_create(actor=rhea.user, learner=rhea, kind=rules.EDUCATION,
                                       start=local(yesterday, 22), end=local(yesterday, 22, 30))
        assert recompute.call_count == 2  # the next transaction recomputes again


def test_a_pending_recompute_is_shown_as_such_not_as_compliant(client, rhea, cora, surgery, local_today,
                                                               django_capture_on_commit_callbacks):
    nearly_80(rhea, local_today)
    yesterday = local_today - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False):  # the task has not run yet
        services.work_entry_create(actor=rhea.user, learner=rhea, kind=rules.CLINICAL, start=local(yesterday, 6),
                                   end=local(yesterday, 18))
    assert ComplianceState.objects.for_company(rhea.company).get(learner=rhea).stale
    client.force_login(cora)
    page = report(client, surgery)
    assert "being recomputed" in page.lower() and "h in the 28 days from" not in page
    client.force_login(rhea.user)
    api = client.get(f"/api/hours/learners/{rhea.pk}/compliance/").json()
    assert api["pending"] is True and api["violations"] == []
    findings.recompute_compliance(company_id=str(rhea.company_id), learner_id=str(rhea.pk))
    assert client.get(f"/api/hours/learners/{rhea.pk}/compliance/").json()["violations"][0]["rule"] == "hours_80"


def test_the_task_takes_the_company_explicitly_and_finds_nothing_of_another(rhea, southbay, local_today):
    nearly_80(rhea, local_today)
    with pytest.raises(Learner.DoesNotExist):
        findings.recompute_compliance(company_id=str(southbay.pk), learner_id=str(rhea.pk))
    assert not ComplianceFinding.objects.for_company(southbay.pk).exists()
    assert not ComplianceState.objects.for_company(southbay.pk).exists()


def test_a_new_pgy_level_or_time_zone_marks_the_findings_stale(client, rhea, cora, surgery, local_today,
                                                               django_capture_on_commit_callbacks):
    nearly_80(rhea, local_today)
    Learner.objects.for_company(rhea.company_id).filter(pk=rhea.pk).update(pgy_level=1)  # changed elsewhere
    client.force_login(cora)
    assert "being recomputed" in report(client, surgery).lower()
    findings.compliance_recompute(company_id=rhea.company_id, learner_id=rhea.pk)
    assert "being recomputed" not in report(client, surgery).lower()
    with django_capture_on_commit_callbacks(execute=True):
        services.hours_policy_update(actor=cora, program=surgery, data={"time_zone": "America/Chicago"})
    assert ComplianceState.objects.for_company(rhea.company).get(learner=rhea).time_zone == "America/Chicago"


@pytest.mark.parametrize("size", [2, 30])
def test_the_report_reads_a_constant_number_of_queries(client, cora, surgery, local_today, size,
                                                       django_assert_num_queries):
    for n in range(size):
        learner = LearnerFactory(program=surgery, pgy_level=1 + n % 3)
        for day in range(20):
            start = local(local_today - dt.timedelta(days=1 + day), 6)
            WorkEntry.objects.create(learner=learner, company=learner.company, kind=rules.CLINICAL, start=start,
                                     end=start + dt.timedelta(hours=14 + n % 3))
        if n % 3 == 0:
            start = local(local_today - dt.timedelta(days=3), 20)
            WorkEntry.objects.create(learner=learner, company=learner.company, kind=rules.MOONLIGHT_EXTERNAL,
                                     start=start, end=start + dt.timedelta(hours=3))
    findings.compliance_recompute_program(company_id=surgery.company_id, program_id=surgery.pk)
    client.force_login(cora)
    url = f"/hours/programs/{surgery.pk}/compliance/"
    client.get(url)
    with django_assert_num_queries(QUERIES_OF_THE_REPORT):
        page = client.get(url).content.decode()
    assert "being recomputed" not in page.lower() and page.count("Moonlighting while PGY-1") >= 1


QUERIES_OF_THE_REPORT = 6  # 7 until the program and its policy's time zone were one prepared read (10 before round 1)
