"""Packets: what a packet holds, constant queries per packet (two data sizes), the PDF of all
packets built by a Celery task with progress, and the packet API."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from apps.assessments.models import AssessmentFeedbackTag
from apps.ccc import selectors, services
from apps.ccc.models import PacketJob
from apps.reference.models import FeedbackTag
from tests.ccc.conftest import make_meeting, review_all
from tests.factories import EPAAssessmentFactory, FeedbackTagFactory, LearnerFactory

pytestmark = pytest.mark.django_db
PACKET_PAGE_QUERIES = 11  # 19 before the packet's reads were folded (issue 19: four queries, the pager with the resident)


def _evidence(committee, learner, count, day=datetime.date(2026, 11, 1)):
    tag = FeedbackTag.objects.shared().filter(name="Clinical reasoning", category="strength").first() \
        or FeedbackTagFactory(name="Clinical reasoning", category="strength")
    epa1, epa2 = committee["epas"]
    for index in range(count):
        assessment = EPAAssessmentFactory(learner=learner, epa=epa1 if index % 2 else epa2,
                                          entrustment_level=index % 4 + 1,
                                          assessment_date=day - datetime.timedelta(days=index),
                                          narrative_feedback=f"Narrative {index}")
        if index % 3 == 0:
            AssessmentFeedbackTag.objects.create(assessment=assessment, tag=tag, tag_type="went_well")


def _packet_page(client, meeting, learner):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ccc:resident", args=[meeting.pk, learner.pk]))
    assert response.status_code == 200
    return response, len(queries)


def test_the_packet_holds_counts_trajectories_gaps_narratives_and_a_suggestion(committee, meeting):
    ana = committee["residents"][0]
    epa3 = committee["epas"][0].__class__.objects.create(epa_set=committee["program"].epa_set, number=3, name="Third",
                                                         short_name="Third", display_order=3)
    _evidence(committee, ana, 6)
    EPAAssessmentFactory(learner=ana, epa=committee["epas"][0], assessment_date=datetime.date(2026, 6, 1))  # last year
    packet = selectors.packets_for(meeting=meeting, learners=[ana])[0]
    assert len(packet.assessments) == 6
    assert {row["epa"].number: row["count"] for row in packet.epa_rows} == {1: 3, 2: 3}
    assert packet.epa_rows[0]["levels"] == [2, 4, 2]  # EPA 1 (odd indexes: levels 2, 4, 2), oldest first
    assert packet.gaps == [epa3]
    assert [(label, count) for label, _, count in packet.epa_rows[0]["history"]] == [("2026 Jan–Jun", 1),
                                                                                    ("2026 Jul–Dec", 3)]
    assert set(packet.narratives) == {"Clinical reasoning (went well)", "No feedback tag"}
    pc1, pc2 = packet.rows
    assert pc1["mapped"] and pc1["suggestion"].count == 6 and pc1["suggestion"].level is not None
    assert not pc2["mapped"]
    assert packet.violations_available is False


def test_the_packet_page_makes_the_same_number_of_queries_with_more_data(client, committee, meeting):
    ana, ben = committee["residents"][:2]
    _evidence(committee, ana, 2)
    services.meeting_start(actor=committee["chair"], meeting=meeting)
    client.force_login(committee["chair"])
    _packet_page(client, meeting, ana)  # warm the session
    _, small = _packet_page(client, meeting, ana)
    _evidence(committee, ben, 40)
    review_all(committee, meeting)  # a review and previous data exist now
    response, large = _packet_page(client, meeting, ben)
    assert small == large == PACKET_PAGE_QUERIES
    assert "Narrative 39" in response.content.decode()


def test_packets_for_many_residents_take_a_fixed_number_of_queries(committee):
    more = [LearnerFactory(program=committee["program"], pgy_level=2) for _ in range(7)]
    meeting = make_meeting(committee, residents=committee["residents"] + more)
    for learner in committee["residents"]:
        _evidence(committee, learner, 3)
    learners = selectors.meeting_learners(meeting)
    with CaptureQueriesContext(connection) as three:
        selectors.packets_for(meeting=meeting, learners=learners[:3])
    for learner in more:
        _evidence(committee, learner, 5)
    with CaptureQueriesContext(connection) as ten:
        packets = selectors.packets_for(meeting=meeting, learners=learners)
    assert len(three) == len(ten)
    assert len(packets) == 10


def test_the_pdf_of_all_packets_is_built_by_a_task_with_progress_and_downloads(
        client, committee, meeting, django_capture_on_commit_callbacks):
    for learner in committee["residents"]:
        _evidence(committee, learner, 4)
    client.force_login(committee["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ccc:packets_start", args=[meeting.pk]))
    assert response.status_code == 302
    job = PacketJob.objects.for_company(meeting.company).get()
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    fragment = client.get(reverse("ccc:job_status", args=[job.pk])).content.decode()
    assert "Download PDF" in fragment and "hx-trigger" not in fragment
    pdf = client.get(reverse("ccc:job_download", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for name in ("Ana Resident", "Ben Resident", "Cleo Resident"):
        assert name in text
    assert "Suggested levels" in text and "Narrative 3" in text


def test_a_running_job_polls_and_shows_its_progress(client, committee, meeting):
    job = PacketJob.objects.create(meeting=meeting, requested_by=committee["chair"], total=3, done=1,
                                   status=PacketJob.Status.RUNNING)
    client.force_login(committee["faculty"][0])
    fragment = client.get(reverse("ccc:job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "1 of 3" in fragment
    assert client.get(reverse("ccc:job_download", args=[job.pk])).status_code == 404


def test_the_packet_api_shows_the_suggestion_with_its_evidence(client, committee, meeting):
    ana = committee["residents"][0]
    _evidence(committee, ana, 3)
    client.force_login(committee["faculty"][1])
    data = client.get(f"/api/ccc/meetings/{meeting.pk}/packets/{ana.pk}/").json()
    pc1 = data["subcompetencies"][0]
    assert pc1["code"] == "PC1" and len(pc1["evidence"]) == 3 and pc1["suggested_level"]
    assert data["coverage_gaps"] == []
    client.force_login(ana.user)
    assert client.get(f"/api/ccc/meetings/{meeting.pk}/packets/{ana.pk}/").status_code == 404


def test_a_30_hour_shift_shows_in_the_packet_from_the_work_hours_rules(client, committee, meeting):
    from apps.hours import rules
    from apps.hours.models import WorkEntry

    ben = committee["residents"][1]
    start = datetime.datetime(2026, 10, 5, 7, 0, tzinfo=datetime.UTC)
    WorkEntry.objects.create(learner=ben, kind=rules.IN_HOUSE_CALL, start=start,
                             end=start + datetime.timedelta(hours=30))
    client.force_login(committee["chair"])
    page = client.get(reverse("ccc:resident", args=[meeting.pk, ben.pk])).content.decode()
    assert "Continuous in-house duty longer than 24 + 4 hours" in page
    data = client.get(f"/api/ccc/meetings/{meeting.pk}/packets/{ben.pk}/").json()
    assert "shift_24_4" in {v["rule"] for v in data["work_hour_violations"]}
    ana_page = client.get(reverse("ccc:resident", args=[meeting.pk, committee["residents"][0].pk])).content.decode()
    assert "None in the period." in ana_page
