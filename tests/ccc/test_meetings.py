"""Meetings through the pages: planning (≥ 3 faculty), the chair's walk, completion, attendance,
what members and residents see, and Southbay's Charlie."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.ccc.models import CCCMeeting, MilestoneAssessment, ResidentReview
from apps.notifications.models import Notification
from apps.tenants.roles import Role
from tests.ccc.conftest import review_all
from tests.factories import MembershipFactory, ProgramFactory, SponsorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _plan(committee, members, submission_key=None):
    return {"submission_key": submission_key or str(uuid.uuid4()), "academic_year": str(committee["year"].pk),
            "period": "mid_year", "date": "2026-12-10", "chair": str(committee["chair"].pk),
            "members": [str(u.pk) for u in members], "learners": [str(r.pk) for r in committee["residents"]]}


def test_carla_cannot_plan_a_committee_of_two_faculty(client, committee):
    client.force_login(committee["coordinator"])
    url = reverse("ccc:meeting_new", args=[committee["program"].pk])
    response = client.post(url, _plan(committee, committee["faculty"][:1]))  # the chair + one
    assert response.status_code == 400
    assert "at least 3 faculty members; 2 chosen" in response.content.decode()
    assert not CCCMeeting.objects.for_company(committee["program"].company).exists()


def test_carla_plans_a_meeting_once_even_when_she_double_submits(client, committee):
    client.force_login(committee["coordinator"])
    url = reverse("ccc:meeting_new", args=[committee["program"].pk])
    data = _plan(committee, committee["faculty"][:2])
    first = client.post(url, data)
    second = client.post(url, data)
    meeting = CCCMeeting.objects.for_company(committee["program"].company).get()
    assert first.status_code == second.status_code == 302
    assert meeting.members.count() == 3 and meeting.residents.count() == 3
    assert AuditLog.objects.unscoped().filter(action="ccc_meeting.create").count() == 1


def test_a_resident_of_another_program_cannot_be_listed(client, committee, sponsor):
    from tests.factories import LearnerFactory

    stranger = LearnerFactory(program__sponsor=sponsor)
    client.force_login(committee["coordinator"])
    data = _plan(committee, committee["faculty"])
    data["learners"].append(str(stranger.pk))
    response = client.post(reverse("ccc:meeting_new", args=[committee["program"].pk]), data)
    assert response.status_code == 400


def test_the_chair_cannot_complete_while_a_resident_has_no_review(client, committee, meeting):
    client.force_login(committee["chair"])
    client.post(reverse("ccc:meeting_start", args=[meeting.pk]))
    ana = committee["residents"][0]
    client.post(reverse("ccc:resident", args=[meeting.pk, ana.pk]), {
        "overall_performance": "as_expected", "promotion_recommendation": "promote",
        f"level_{committee['milestones'][0].pk}": "2.5"})
    response = client.post(reverse("ccc:meeting_complete", args=[meeting.pk]), {"minutes": "Done"})
    assert response.status_code == 400
    assert "2 resident(s) have no review yet" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == CCCMeeting.Status.IN_PROGRESS


def test_chris_walks_the_residents_records_levels_and_completes_then_ana_reads_her_review(
        client, committee, meeting, django_capture_on_commit_callbacks):
    chris = committee["chair"]
    pc1, pc2 = committee["milestones"]
    client.force_login(chris)
    assert client.post(reverse("ccc:meeting_start", args=[meeting.pk])).status_code == 302
    order = list(meeting.residents.values_list("learner_id", flat=True))
    for index, learner_id in enumerate(order):
        page = client.get(reverse("ccc:resident", args=[meeting.pk, learner_id]))
        assert page.status_code == 200 and f"{index + 1} of 3" in page.content.decode()
        response = client.post(reverse("ccc:resident", args=[meeting.pk, learner_id]), {
            "overall_performance": "as_expected", "promotion_recommendation": "promote",
            "strengths": "Thorough histories", "areas_for_improvement": "Prioritise the problem list",
            "discussion_notes": "Committee-only remark", f"level_{pc1.pk}": "3", f"rationale_{pc1.pk}": "Observed",
            f"level_{pc2.pk}": "na"})
        expected = reverse("ccc:resident", args=[meeting.pk, order[index + 1]]) if index < 2 \
            else reverse("ccc:meeting", args=[meeting.pk])
        assert response.status_code == 302 and response["Location"] == expected
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ccc:meeting_complete", args=[meeting.pk]), {"minutes": "All reviewed"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == CCCMeeting.Status.COMPLETED
    assert MilestoneAssessment.objects.for_company(meeting.company).filter(meeting=meeting).count() == 6
    assert not ResidentReview.objects.for_company(meeting.company).filter(finalised_at__isnull=True).exists()

    ana = committee["residents"][0]
    assert Notification.objects.for_company(meeting.company).filter(user=ana.user, kind="ccc_review_final").exists()
    client.force_login(ana.user)
    review = ResidentReview.objects.for_company(meeting.company).get(learner=ana)
    page = client.get(reverse("ccc:my_review", args=[review.pk])).content.decode()
    assert "Thorough histories" in page and "Not yet assessable" in page
    assert "Committee-only remark" not in page and "All reviewed" not in page
    assert client.get(reverse("ccc:meeting", args=[meeting.pk])).status_code == 404
    other = ResidentReview.objects.for_company(meeting.company).get(learner=committee["residents"][1])
    assert client.get(reverse("ccc:my_review", args=[other.pk])).status_code == 404
    assert len(mail.outbox) >= 3


def test_ana_sees_nothing_before_the_meeting_completes(client, committee, meeting):
    from apps.ccc import services

    services.meeting_start(actor=committee["chair"], meeting=meeting)
    review_all(committee, meeting)
    ana = committee["residents"][0]
    client.force_login(ana.user)
    review = ResidentReview.objects.for_company(meeting.company).get(learner=ana)
    assert client.get(reverse("ccc:my_review", args=[review.pk])).status_code == 404
    assert client.get(reverse("ccc:my_reviews")).content.decode().count("Mid-year") == 0


def test_fay_a_member_sees_the_packet_read_only(client, committee, meeting):
    from apps.ccc import services

    services.meeting_start(actor=committee["chair"], meeting=meeting)
    fay = committee["faculty"][0]
    client.force_login(fay)
    url = reverse("ccc:resident", args=[meeting.pk, committee["residents"][0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "review-form" not in page.content.decode()
    assert client.post(url, {"overall_performance": "above"}).status_code == 403
    assert client.post(reverse("ccc:meeting_complete", args=[meeting.pk])).status_code == 403


def test_a_remediation_needs_a_plan_and_a_follow_up_date_beside_the_fields(client, committee, meeting):
    from apps.ccc import services

    services.meeting_start(actor=committee["chair"], meeting=meeting)
    client.force_login(committee["chair"])
    response = client.post(reverse("ccc:resident", args=[meeting.pk, committee["residents"][0].pk]), {
        "overall_performance": "below", "promotion_recommendation": "promote_with_conditions", "remediation": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "A remediation needs a plan." in body and "A remediation needs a follow-up date." in body


def test_attendance_is_recorded_and_audited(client, committee, meeting):
    client.force_login(committee["chair"])
    present = [committee["chair"], *committee["faculty"][:2]]
    response = client.post(reverse("ccc:meeting_attendance", args=[meeting.pk]),
                           {"attended": [str(u.pk) for u in present]})
    assert response.status_code == 302
    attended = dict(meeting.members.values_list("user_id", "attended"))
    assert attended[committee["faculty"][2].pk] is False
    assert all(attended[u.pk] for u in present)
    assert AuditLog.objects.unscoped().filter(action="ccc_meeting.record_attendance").exists()


def test_charlie_from_southbay_gets_404_on_northwinds_meeting(client, committee, meeting, southbay):
    charlie = UserFactory(company=southbay, first_name="Charlie")
    MembershipFactory(user=charlie, role=Role.COORDINATOR,
                      program=ProgramFactory(sponsor=SponsorFactory(institution__company=southbay)))
    client.force_login(charlie)
    for url in (reverse("ccc:meeting", args=[meeting.pk]),
                reverse("ccc:resident", args=[meeting.pk, committee["residents"][0].pk]),
                reverse("ccc:report", args=[committee["program"].pk]),
                reverse("ccc:mapping", args=[committee["program"].pk])):
        assert client.get(url).status_code == 404


def test_the_coordinator_edits_the_mapping_and_a_bad_weight_is_refused(client, committee):
    client.force_login(committee["coordinator"])
    epa1, epa2 = committee["epas"]
    pc1, pc2 = committee["milestones"]
    url = reverse("ccc:mapping", args=[committee["program"].pk])
    assert client.post(url, {f"w_{epa1.pk}_{pc2.pk}": "11"}).status_code == 400
    assert client.post(url, {f"w_{epa1.pk}_{pc2.pk}": "1.5", f"w_{epa2.pk}_{pc1.pk}": "2"}).status_code == 302
    rows = {(r.epa_id, r.milestone_id): r.weight for r in committee["program"].ccc_mappings.all()}
    assert rows == {(epa1.pk, pc2.pk): 1.5, (epa2.pk, pc1.pk): 2}
    assert AuditLog.objects.unscoped().filter(action="evidence_mapping.update").exists()


def test_carlas_pages_open(client, committee, meeting):
    client.force_login(committee["coordinator"])
    program = committee["program"]
    for url in (reverse("ccc:index"), reverse("ccc:meeting_new", args=[program.pk]),
                reverse("ccc:mapping", args=[program.pk]), reverse("ccc:report", args=[program.pk]),
                reverse("ccc:meeting", args=[meeting.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
    index = client.get(reverse("ccc:index")).content.decode()
    assert "Northwind Medicine Residency" in index and "Plan a meeting" in index
    client.force_login(committee["residents"][0].user)
    assert client.get(reverse("ccc:my_reviews")).status_code == 200
    assert client.get(reverse("ccc:meeting_new", args=[program.pk])).status_code == 404


def test_the_chair_opening_a_residents_packet_leaves_an_access_log_row(client, committee, meeting):
    from apps.audit.models import AccessLog
    from apps.ccc import services

    services.meeting_start(actor=committee["chair"], meeting=meeting)
    ana = committee["residents"][0]
    client.force_login(committee["chair"])
    assert client.get(reverse("ccc:resident", args=[meeting.pk, ana.pk])).status_code == 200
    rows = AccessLog.objects.for_company(committee["program"].company).filter(actor=committee["chair"])
    assert rows.filter(entity_id=str(ana.pk)).exists()
