"""Residents' work hours through HTTP: the week grid pre-filled from the plan, the lock, the call
roster's warn-before-breach, the compliance report, its CSV and the compliance API."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.hours import findings, rules, selectors
from apps.hours.models import PlannedShift, RotationHours, WeekUnlock, WorkEntry
from tests.factories import AssignmentFactory, LearnerFactory, RotationTypeFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/New_York")


def local(day, hour=0, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def log(learner, kind, start, end):
    """An entry written straight to the table (as seed_scale does), then the learner's stored
    compliance findings recomputed (what the task does after a write through the services)."""
    entry = WorkEntry.objects.create(learner=learner, company=learner.company, kind=kind, start=start, end=end)
    findings.compliance_recompute(company_id=learner.company_id, learner_id=learner.pk)
    return entry


@pytest.fixture
def local_today():
    return timezone.localtime(timezone.now(), TZ).date()


@pytest.fixture
def monday(local_today):
    return local_today - dt.timedelta(days=local_today.weekday())


def heavy_month(learner, last_day, hours_per_day=13, days=28):
    """``days`` days of in-house work ending on ``last_day``, from 06:00, except each seventh day."""
    for offset in range(days):
        day = last_day - dt.timedelta(days=offset)
        if offset % 7 == 3:
            continue
        log(learner, rules.CLINICAL, local(day, 6), local(day, 6) + dt.timedelta(hours=hours_per_day))


def test_rhea_logs_hours_and_sees_them_on_her_week(client, rhea, monday):
    client.force_login(rhea.user)
    start = local(monday, 7)
    response = client.post("/hours/entries/new/", {"kind": rules.CLINICAL, "start": start.strftime("%Y-%m-%dT%H:%M"),
                                                   "end": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    entry = WorkEntry.objects.for_company(rhea.company).get()
    assert entry.start == start  # entered in the program's time zone
    assert "In-house clinical work" in client.get(f"/hours/week/?week={monday}").content.decode()


def test_the_week_grid_is_prefilled_from_rotation_hours_and_the_call_roster(client, rhea, cora, monday):
    rotation = RotationTypeFactory(program=rhea.program, name="Acute Care Surgery", code="ACS")
    RotationHours.objects.create(rotation_type=rotation, company=rotation.company, default_start=dt.time(6),
                                 default_end=dt.time(18), default_weekdays="01234")
    AssignmentFactory(learner=rhea, rotation_type=rotation, start_date=monday - dt.timedelta(days=7),
                      end_date=monday + dt.timedelta(days=20))
    PlannedShift.objects.create(learner=rhea, company=rhea.company, kind=rules.IN_HOUSE_CALL, created_by=cora,
                                start=local(monday, 18), end=local(monday + dt.timedelta(days=1), 7))
    client.force_login(rhea.user)
    page = client.get(f"/hours/week/?week={monday - dt.timedelta(days=7)}").content.decode()
    assert page.count("Acute Care Surgery") == 5
    page = client.get(f"/hours/week/?week={monday}").content.decode()
    assert "In-house call" in page
    client.post(f"/hours/week/confirm/?week={monday - dt.timedelta(days=7)}")
    logged = WorkEntry.objects.for_company(rhea.company).filter(from_plan=True)
    assert logged.count() == 5
    client.post(f"/hours/week/confirm/?week={monday - dt.timedelta(days=7)}")  # twice: nothing more
    assert logged.count() == 5


def test_working_the_planned_saturday_would_exceed_80_hours(client, rhea, cora, monday, local_today):
    saturday = monday + dt.timedelta(days=5)
    if saturday < local_today:
        saturday += dt.timedelta(days=7)
    # 23 days × 13.5 h = 310.5 h logged or planned in the 27 days before Saturday, 12 h planned on
    # Saturday: 322.5 h in the window ending on Saturday
    for offset in range(1, 28):
        day = saturday - dt.timedelta(days=offset)
        if offset in (7, 14, 21, 27):
            continue
        if local(day, 6) + dt.timedelta(hours=13.5) < timezone.now():
            log(rhea, rules.CLINICAL, local(day, 6), local(day, 19, 30))
        else:
            PlannedShift.objects.create(learner=rhea, company=rhea.company, kind=rules.CLINICAL, created_by=cora,
                                        start=local(day, 6), end=local(day, 19, 30))
    PlannedShift.objects.create(learner=rhea, company=rhea.company, kind=rules.CLINICAL, created_by=cora,
                                start=local(saturday, 6), end=local(saturday, 18))
    client.force_login(rhea.user)
    page = client.get(f"/hours/week/?week={saturday - dt.timedelta(days=5)}").content.decode()
    assert "Working your planned Saturday would exceed 80 hours" in page


def test_old_weeks_are_locked_until_cora_unlocks_them(client, rhea, cora, surgery, monday):
    old_monday = monday - dt.timedelta(days=14)
    client.force_login(rhea.user)
    data = {"kind": rules.CLINICAL, "start": local(old_monday, 7).strftime("%Y-%m-%dT%H:%M"),
            "end": local(old_monday, 15).strftime("%Y-%m-%dT%H:%M")}
    assert "is locked" in client.post("/hours/entries/new/", data).content.decode()
    previous = {**data, "start": local(monday - dt.timedelta(days=7), 7).strftime("%Y-%m-%dT%H:%M"),
                "end": local(monday - dt.timedelta(days=7), 15).strftime("%Y-%m-%dT%H:%M")}
    assert client.post("/hours/entries/new/", previous).status_code == 302  # the previous week is open
    client.force_login(cora)
    client.post(f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/unlock/", {"week_start": old_monday})
    assert WeekUnlock.objects.for_company(rhea.company).filter(learner=rhea, week_start=old_monday).exists()
    client.force_login(rhea.user)
    assert client.post("/hours/entries/new/", data).status_code == 302


def test_a_violation_never_blocks_logging(client, rhea, local_today):
    client.force_login(rhea.user)
    day = local_today - dt.timedelta(days=3)
    data = {"kind": rules.IN_HOUSE_CALL, "start": local(day - dt.timedelta(days=1), 6).strftime("%Y-%m-%dT%H:%M"),
            "end": local(day, 12).strftime("%Y-%m-%dT%H:%M")}  # 30 hours
    assert client.post("/hours/entries/new/", data).status_code == 302
    found = selectors.violations_for_learners(company_id=rhea.company_id, learner_ids=[rhea.pk],
                                              start=day, end=day)[rhea.pk]
    assert [v.rule for v in found] == [rules.SHIFT_24_4]


def test_cora_sees_a_projected_violation_before_adding_a_call(client, rhea, cora, surgery, local_today):
    heavy_month(rhea, local_today - dt.timedelta(days=1), hours_per_day=13)  # 24 × 13 = 312 h
    client.force_login(cora)
    response = client.post(f"/hours/programs/{surgery.pk}/roster/preview/", {
        "learner": rhea.pk, "kind": rules.IN_HOUSE_CALL, "day": local_today, "start": "00:00", "hours": "22"},
        HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "hours_80" in body and "would break the rules" in body
    assert "HX-Request" in response["Vary"]
    response = client.post(f"/hours/programs/{surgery.pk}/roster/", {
        "learner": rhea.pk, "kind": rules.IN_HOUSE_CALL, "day": local_today, "start": "08:00", "hours": "10"})
    assert response.status_code == 302
    assert PlannedShift.objects.for_company(rhea.company).count() == 1


def test_the_compliance_report_counts_violations_with_constant_queries(client, rhea, cora, surgery, local_today,
                                                                       django_assert_num_queries):
    heavy_month(rhea, local_today - dt.timedelta(days=2), hours_per_day=14)  # 336 h in 24 days
    client.force_login(cora)
    url = f"/hours/programs/{surgery.pk}/compliance/"
    client.get(url)
    with django_assert_num_queries(6) as small:  # 7 before the program came with its policy's time zone (one prepared read)
        page = client.get(url).content.decode()
    assert "hours_80" in page and "Rhea" in page
    for n in range(3):
        other = LearnerFactory(program=surgery, pgy_level=1)
        heavy_month(other, local_today - dt.timedelta(days=5 + n), hours_per_day=14)
        log(other, rules.MOONLIGHT_EXTERNAL, local(local_today - dt.timedelta(days=3), 18),
            local(local_today - dt.timedelta(days=3), 22))
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert "pgy1_moonlighting" in page
    export = client.get(f"/hours/programs/{surgery.pk}/compliance/export/")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {r["rule"] for r in rows} >= {"hours_80", "pgy1_moonlighting"}
    drill = client.get(f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/").content.decode()
    assert "hours_80" in drill and "In-house clinical work" in drill


def test_cora_adds_context_to_a_violation(client, rhea, cora, surgery, local_today):
    heavy_month(rhea, local_today - dt.timedelta(days=2), hours_per_day=14)
    [violation] = [v for v in selectors.violations_for_learners(
        company_id=rhea.company_id, learner_ids=[rhea.pk], start=local_today - dt.timedelta(days=90),
        end=local_today)[rhea.pk] if v.rule == "hours_80"]
    starts_on = timezone.localtime(violation.start, TZ).date()
    client.force_login(cora)
    client.post(f"/hours/programs/{surgery.pk}/compliance/{rhea.pk}/",
                {"rule": "hours_80", "starts_on": starts_on, "text": "Mass-casualty week"})
    assert "Mass-casualty week" in client.get(f"/hours/programs/{surgery.pk}/compliance/").content.decode()


def test_the_compliance_api_gives_rule_start_and_end(client, rhea, local_today):
    call = local(local_today - dt.timedelta(days=5), 7)
    log(rhea, rules.IN_HOUSE_CALL, call, call + dt.timedelta(hours=24))
    log(rhea, rules.CLINICAL, call + dt.timedelta(hours=30), call + dt.timedelta(hours=36))
    client.force_login(rhea.user)
    response = client.get(f"/api/hours/learners/{rhea.pk}/compliance/")
    assert response.status_code == 200
    [violation] = response.json()["violations"]
    assert violation["rule"] == "rest_14_after_24"
    assert dt.datetime.fromisoformat(violation["start"]) == call + dt.timedelta(hours=24)
    assert dt.datetime.fromisoformat(violation["end"]) == call + dt.timedelta(hours=30)
    assert client.get(f"/api/hours/learners/{rhea.pk}/compliance/?start=2026-13-01").status_code == 400


def test_charlie_from_southbay_gets_404_on_rheas_hours(client, rhea, charlie, surgery, local_today):
    entry = log(rhea, rules.CLINICAL, local(local_today - dt.timedelta(days=1), 7),
                local(local_today - dt.timedelta(days=1), 15))
    client.force_login(charlie)
    assert client.get(f"/api/hours/learners/{rhea.pk}/compliance/").status_code == 404
    assert client.get(f"/api/hours/work-entries/{entry.pk}/").status_code == 404
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/").status_code == 404
    assert client.get(f"/hours/entries/{entry.pk}/").status_code == 404


def test_the_api_logs_and_lists_work_entries_and_the_call_roster(client, rhea, cora, surgery, local_today):
    client.force_login(rhea.user)
    start = local(local_today - dt.timedelta(days=1), 7)
    response = client.post("/api/hours/work-entries/", {"kind": "education", "start": start.isoformat(),
                                                        "end": (start + dt.timedelta(hours=2)).isoformat()},
                           content_type="application/json")
    assert response.status_code == 201
    assert client.get("/api/hours/work-entries/").json()["count"] == 1
    client.force_login(cora)
    created = client.post(f"/api/hours/programs/{surgery.pk}/call-roster/", {
        "learner": str(rhea.pk), "kind": "in_house_call", "start": local(local_today, 17).isoformat(),
        "end": local(local_today + dt.timedelta(days=1), 7).isoformat()}, content_type="application/json")
    assert created.status_code == 201
    assert client.get(f"/api/hours/programs/{surgery.pk}/call-roster/").json()["count"] == 1
    assert client.delete(f"/api/hours/planned-shifts/{created.json()['id']}/").status_code == 204


def test_out_of_range_dates_are_refused_not_a_500(client, rhea, cora, surgery):
    client.force_login(rhea.user)
    assert client.get(f"/api/hours/learners/{rhea.pk}/compliance/?start=0001-01-01").status_code == 400
    assert client.get("/api/hours/work-entries/?end=9999-12-31").status_code == 400
    response = client.post("/api/hours/work-entries/", {"kind": "clinical", "start": "0001-01-01T00:00:00Z",
                                                        "end": "0001-01-01T08:00:00Z"}, content_type="application/json")
    assert response.status_code == 400 and "start" in response.json()
    assert client.get("/hours/week/?week=0001-01-01").status_code == 200
    client.force_login(cora)
    assert client.get(f"/hours/programs/{surgery.pk}/compliance/?start=0001-01-01&end=0001-02-01").status_code == 200
    response = client.post(f"/hours/programs/{surgery.pk}/roster/", {
        "learner": rhea.pk, "kind": "in_house_call", "day": "0001-01-01", "start": "08:00", "hours": "10"})
    assert response.status_code == 200 and "between 2000 and 2100" in response.content.decode()
    assert client.post(f"/hours/programs/{surgery.pk}/roster/preview/", {
        "learner": rhea.pk, "kind": "in_house_call", "day": "0001-01-01", "start": "08:00", "hours": "10"},
        HTTP_HX_REQUEST="true").status_code == 200
