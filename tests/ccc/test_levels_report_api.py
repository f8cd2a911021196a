"""Milestone levels once reported (locked: a change needs a reason, audited), the milestone
report (CSV and PDF), the API's rules for residents, and the remediation reminders."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from apps.audit.models import AuditLog
from apps.ccc import jobs, services
from apps.ccc.models import MilestoneAssessment, ResidentReview
from apps.notifications.models import Notification
from tests.ccc.conftest import review_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(committee, meeting):
    services.meeting_start(actor=committee["chair"], meeting=meeting)
    pc1, pc2 = committee["milestones"]
    review_all(committee, meeting, levels={pc1.pk: ("2.5", "Observed on wards"), pc2.pk: ("nyc", "")})
    services.meeting_complete(actor=committee["chair"], meeting=meeting, minutes="Private minutes")
    return meeting


def test_carla_marks_the_period_reported_and_a_change_then_needs_a_reason(client, committee, completed):
    client.force_login(committee["coordinator"])
    program, year = committee["program"], committee["year"]
    response = client.post(reverse("ccc:report_mark_reported", args=[program.pk]),
                           {"academic_year": str(year.pk), "period": "mid_year"})
    assert response.status_code == 302
    level = MilestoneAssessment.objects.for_company(program.company).filter(level="2.5").first()
    assert level.reported_at is not None
    url = f"/api/ccc/milestone-assessments/{level.pk}/"
    refused = client.patch(url, {"level": "3"}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    changed = client.patch(url, {"level": "3", "reason": "Late evaluation from the ICU block"},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["level"] == "3"
    entry = AuditLog.objects.unscoped().get(action="milestone_assessment.change_reported")
    assert entry.changes["level"] == ["2.5", "3"]
    assert entry.changes["reason"] == [None, "Late evaluation from the ICU block"]
    assert level.history.first().history_change_reason == "Late evaluation from the ICU block"


def test_the_report_is_resident_by_subcompetency_as_csv_and_pdf(client, committee, completed):
    client.force_login(committee["coordinator"])
    program, year = committee["program"], committee["year"]
    query = f"?year={year.pk}&period=mid_year"
    page = client.get(reverse("ccc:report", args=[program.pk]) + query).content.decode()
    assert "not endorsed by ACGME" in page and "not an ADS upload format" in page
    rows = list(csv.reader(io.StringIO(client.get(reverse("ccc:report_csv", args=[program.pk]) + query)
                                       .content.decode())))
    assert rows[0] == ["last_name", "first_name", "pgy", "subcompetency", "title", "level", "level_label", "reported"]
    assert len(rows) == 1 + 3 * 2
    assert ["Resident", "Ana", "1", "PC1", "History", "2.5", "2.5", ""] in rows
    assert ["Resident", "Ana", "1", "PC2", "Physical Examination", "nyc", "Not yet completed level 1", ""] in rows
    pdf = client.get(reverse("ccc:report_pdf", args=[program.pk]) + query)
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Ana Resident" in text and "PC2" in text and "NYC" in text and "Not endorsed by ACGME" in text


def test_a_period_other_than_mid_year_or_year_end_is_a_400(client, committee):
    client.force_login(committee["coordinator"])
    assert client.get(reverse("ccc:report", args=[committee["program"].pk]) + "?period=q3").status_code == 400
    assert client.get(reverse("ccc:report", args=[committee["program"].pk]) + "?year=nope").status_code == 400


def test_ana_sees_only_her_finalised_reviews_through_the_api_without_discussion_notes(client, committee, completed):
    ana = committee["residents"][0]
    client.force_login(ana.user)
    reviews = client.get("/api/ccc/reviews/").json()["results"]
    assert len(reviews) == 1 and reviews[0]["learner"] == str(ana.pk)
    assert "discussion_notes" not in reviews[0]
    levels = client.get("/api/ccc/milestone-assessments/").json()["results"]
    assert {level["learner"] for level in levels} == {str(ana.pk)} and len(levels) == 2
    assert client.get(f"/api/ccc/meetings/{completed.pk}/").status_code == 404
    client.force_login(committee["faculty"][0])
    reviews = client.get("/api/ccc/reviews/").json()["results"]
    assert len(reviews) == 3 and reviews[0]["discussion_notes"] == "Secret committee talk"


def test_the_chair_records_a_review_through_the_api(client, committee, meeting):
    services.meeting_start(actor=committee["chair"], meeting=meeting)
    pc1 = committee["milestones"][0]
    client.force_login(committee["chair"])
    body = {"meeting": str(meeting.pk), "learner": str(committee["residents"][2].pk),
            "overall_performance": "above", "promotion_recommendation": "graduate",
            "levels": [{"milestone": pc1.pk, "level": "4.5", "rationale": "Leads the team"}]}
    response = client.post("/api/ccc/reviews/", body, content_type="application/json")
    assert response.status_code == 201
    bad = client.post("/api/ccc/reviews/", {**body, "levels": [{"milestone": pc1.pk, "level": "6"}]},
                      content_type="application/json")
    assert bad.status_code == 400
    client.force_login(committee["faculty"][0])
    assert client.post("/api/ccc/reviews/", body, content_type="application/json").status_code == 403


def test_the_api_refuses_a_committee_of_two(client, committee):
    client.force_login(committee["coordinator"])
    body = {"program": str(committee["program"].pk), "academic_year": str(committee["year"].pk),
            "period": "year_end", "date": "2027-05-20", "chair": str(committee["chair"].pk),
            "members": [str(committee["faculty"][0].pk)], "residents": [str(committee["residents"][0].pk)]}
    response = client.post("/api/ccc/meetings/", body, content_type="application/json")
    assert response.status_code == 400 and "members" in response.json()
    body["members"] = [str(u.pk) for u in committee["faculty"]]
    assert client.post("/api/ccc/meetings/", body, content_type="application/json").status_code == 201


def test_remediation_follow_ups_are_reminded_once_a_week_ahead(committee, meeting):
    services.meeting_start(actor=committee["chair"], meeting=meeting)
    review_all(committee, meeting)
    ana = committee["residents"][0]
    services.review_record(actor=committee["chair"], meeting=meeting, learner=ana, overall_performance="below",
                           promotion_recommendation="promote_with_conditions", remediation=True,
                           remediation_plan="Weekly observed admissions", follow_up_date=datetime.date(2027, 1, 14))
    services.meeting_complete(actor=committee["chair"], meeting=meeting)
    company_id = meeting.company_id
    assert jobs.remediation_follow_ups_remind(company_id=company_id, today=datetime.date(2027, 1, 6)) == 0
    sent = jobs.remediation_follow_ups_remind(company_id=company_id, today=datetime.date(2027, 1, 7))
    assert sent == 2  # the chair and Carla
    notices = Notification.objects.for_company(company_id).filter(kind="ccc_follow_up_due")
    assert {n.user_id for n in notices} == {committee["chair"].pk, committee["coordinator"].pk}
    assert "Weekly observed admissions" in notices.first().message
    assert jobs.remediation_follow_ups_remind(company_id=company_id, today=datetime.date(2027, 1, 8)) == 0
    assert ResidentReview.objects.for_company(company_id).get(learner=ana).follow_up_reminded_on == \
        datetime.date(2027, 1, 7)


def test_the_reminder_runs_daily_from_celery_beat():
    task = PeriodicTask.objects.get(name="Remind CCC remediation follow-ups")
    assert task.task == "apps.ccc.tasks.remind_remediation_follow_ups" and task.enabled
