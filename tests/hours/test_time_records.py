"""Students' time records through HTTP: clock in/out with location, manual entries, approvals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.hours import jobs
from apps.hours.models import TimeRecord
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db

INSIDE = {"latitude": "42.336500", "longitude": "-71.106000", "accuracy": "12"}   # ~56 m from the site
OUTSIDE = {"latitude": "42.345000", "longitude": "-71.106000", "accuracy": "8"}  # ~1 km away


def clock_in(client, **data):
    return client.post("/hours/clock/in/", data, HTTP_USER_AGENT="Phone/1.0", REMOTE_ADDR="203.0.113.7")


def test_sam_clocks_in_and_out_inside_the_geofence(client, sam, sams_rotation):
    client.force_login(sam.user)
    assert client.get("/hours/clock/").status_code == 200
    response = clock_in(client, **INSIDE)
    assert response.status_code == 302
    record = TimeRecord.objects.for_company(sam.company).get(learner=sam)
    assert record.status == "open" and not record.is_flagged
    assert record.in_distance_m == 56 and record.in_accuracy_m == Decimal("12.0")
    assert record.in_ip == "203.0.113.7" and record.in_user_agent == "Phone/1.0"
    assert record.clock_in.microsecond % 1000 == 0  # to the millisecond
    TimeRecord.objects.for_company(sam.company).filter(pk=record.pk).update(
        clock_in=record.clock_in - dt.timedelta(hours=8, minutes=30))
    assert client.post("/hours/clock/out/", INSIDE).status_code == 302
    record.refresh_from_db()
    assert record.status == "pending" and record.total_hours == Decimal("8.50")
    assert AuditLog.objects.for_company(sam.company).filter(action__in=["time_record.clock_in",
                                                                        "time_record.clock_out"]).count() == 2


def test_outside_the_geofence_sam_is_asked_why_then_flagged(client, sam, sams_rotation):
    client.force_login(sam.user)
    response = clock_in(client, **OUTSIDE)
    assert response.status_code == 200
    assert "from Northwind Hospital" in response.content.decode() and "Say why" in response.content.decode()
    assert not TimeRecord.objects.for_company(sam.company).exists()
    assert clock_in(client, **OUTSIDE, reason="Parking garage across the street").status_code == 302
    record = TimeRecord.objects.for_company(sam.company).get()
    assert record.flag_outside_geofence and record.in_distance_m > 900
    assert record.flag_reason == "Parking garage across the street"


def test_without_a_location_the_clock_in_is_flagged(client, sam, sams_rotation):
    client.force_login(sam.user)
    assert "location was not available" in clock_in(client).content.decode()
    assert clock_in(client, reason="GPS off").status_code == 302
    assert TimeRecord.objects.for_company(sam.company).get().flag_no_location


def test_one_open_record_at_a_time(client, sam, sams_rotation):
    client.force_login(sam.user)
    clock_in(client, **INSIDE)
    response = clock_in(client, **INSIDE)
    assert "already clocked in" in response.content.decode()
    assert TimeRecord.objects.for_company(sam.company).count() == 1


def test_manual_entries_respect_the_edit_window_and_daily_maximum(client, sam, sams_rotation, today):
    client.force_login(sam.user)
    tomorrow = today + dt.timedelta(days=1)
    response = client.post("/hours/records/new/", {"day": tomorrow, "start": "08:00", "end": "12:00"})
    assert "Future days cannot be entered" in response.content.decode()
    response = client.post("/hours/records/new/", {"day": today - dt.timedelta(days=8), "start": "08:00",
                                                   "end": "12:00"})
    assert "Only the last 7 days" in response.content.decode()
    day = today - dt.timedelta(days=2)
    response = client.post("/hours/records/new/", {"day": day, "start": "06:00", "end": "23:00"})
    assert "At most 16.00 hours a day" in response.content.decode()
    response = client.post("/hours/records/new/", {"day": day, "start": "08:00", "end": "16:30",
                                                   "activity": "Clinic", "key": "5b0f7c1e-2d7e-4a54-9a8b-3b8f0e0d1a11"})
    assert response.status_code == 302
    client.post("/hours/records/new/", {"day": day, "start": "08:00", "end": "16:30", "activity": "Clinic",
                                        "key": "5b0f7c1e-2d7e-4a54-9a8b-3b8f0e0d1a11"})  # double submit
    record = TimeRecord.objects.for_company(sam.company).get()
    assert record.total_hours == Decimal("8.50") and record.status == "pending" and record.source == "manual"


def _pending(sam, sams_rotation, hours=8, days_ago=1):
    start = timezone.now() - dt.timedelta(days=days_ago, hours=hours)
    return TimeRecord.objects.create(assignment=sams_rotation, learner=sam, site=sams_rotation.site,
                                     company=sam.company, status="pending", clock_in=start,
                                     clock_out=start + dt.timedelta(hours=hours), total_hours=Decimal(hours))


def test_paula_approves_sams_records_in_bulk_one_audit_row_each(client, sam, sams_rotation, paula):
    records = [_pending(sam, sams_rotation, days_ago=d) for d in (1, 2, 3)]
    client.force_login(paula.user)
    page = client.get("/hours/approvals/")
    assert page.status_code == 200 and str(records[0].pk) in page.content.decode()
    response = client.post("/hours/approvals/decide/", {"decision": "approved",
                                                        "records": [str(r.pk) for r in records]})
    assert response.status_code == 302
    assert {r.status for r in TimeRecord.objects.for_company(sam.company)} == {"approved"}
    assert AuditLog.objects.for_company(sam.company).filter(action="time_record.approve").count() == 3


def test_a_preceptor_sees_only_the_records_of_their_own_rotations(client, sam, sams_rotation, tess, peter):
    record = _pending(sam, sams_rotation)
    client.force_login(peter.user)
    assert str(record.pk) not in client.get("/hours/approvals/").content.decode()
    assert client.get(f"/hours/records/{record.pk}/").status_code == 404
    response = client.post("/hours/approvals/decide/", {"decision": "approved", "records": [str(record.pk)]})
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "pending"
    assert client.post("/api/hours/time-records/decisions/", {"decision": "approved", "records": [str(record.pk)]},
                       content_type="application/json").status_code == 400


def test_a_rejected_record_shows_sam_why(client, sam, sams_rotation, paula):
    record = _pending(sam, sams_rotation)
    client.force_login(paula.user)
    response = client.post("/hours/approvals/decide/", {"decision": "rejected", "records": [str(record.pk)]})
    assert "Say why" in response.content.decode()
    client.post("/hours/approvals/decide/", {"decision": "rejected", "records": [str(record.pk)],
                                             "note": "You were on leave that day"})
    client.force_login(sam.user)
    page = client.get(f"/hours/records/{record.pk}/").content.decode()
    assert "Why rejected" in page and "You were on leave that day" in page


def test_needs_information_then_sam_answers(client, sam, sams_rotation, paula):
    record = _pending(sam, sams_rotation)
    client.force_login(paula.user)
    client.post("/hours/approvals/decide/", {"decision": "needs_info", "records": [str(record.pk)],
                                             "note": "Which clinic?"})
    client.force_login(sam.user)
    client.post(f"/hours/records/{record.pk}/", {"notes": "Harbor Street"})
    record.refresh_from_db()
    assert record.status == "pending" and "Harbor Street" in record.notes


def test_a_forgotten_clock_out_is_closed_at_the_programs_limit(sam, sams_rotation):
    start = timezone.now() - dt.timedelta(hours=17)
    record = TimeRecord.objects.create(assignment=sams_rotation, learner=sam, site=sams_rotation.site,
                                       company=sam.company, clock_in=start)
    assert jobs.time_records_close_forgotten(company_id=sam.company_id) == 1
    record.refresh_from_db()
    assert record.status == "pending" and record.flag_auto_closed
    assert record.clock_out == start + dt.timedelta(hours=16) and record.total_hours == Decimal("16.00")


def test_behind_pace_at_mid_rotation_notifies_sam_and_cora_once(sam, sams_rotation, cora, today):
    _pending(sam, sams_rotation)  # pending hours do not count
    assert jobs.students_notify_behind_pace(company_id=sam.company_id, today=today) == 1
    assert jobs.students_notify_behind_pace(company_id=sam.company_id, today=today) == 0
    notified = set(Notification.objects.for_company(sam.company).filter(kind="hours_behind_pace")
                   .values_list("user_id", flat=True))
    assert notified == {sam.user_id, cora.pk}


def test_cora_sees_who_is_behind_with_constant_queries(client, clerkship, sam, sams_rotation, tess, cora,
                                                       django_assert_num_queries):
    client.force_login(cora)
    client.get(f"/hours/programs/{clerkship.pk}/progress/")
    with django_assert_num_queries(6) as small:
        page = client.get(f"/hours/programs/{clerkship.pk}/progress/?behind=1")
    assert "Behind" in page.content.decode() and "Sam" in page.content.decode()
    for _ in range(3):
        _pending(sam, sams_rotation)
    from tests.factories import StudentFactory
    StudentFactory(program=clerkship)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(f"/hours/programs/{clerkship.pk}/progress/?behind=1")


def test_charlie_from_southbay_gets_404_on_sams_record(client, sam, sams_rotation, charlie, clerkship):
    record = _pending(sam, sams_rotation)
    client.force_login(charlie)
    assert client.get(f"/hours/records/{record.pk}/").status_code == 404
    assert client.get(f"/api/hours/time-records/{record.pk}/").status_code == 404
    assert client.get(f"/hours/programs/{clerkship.pk}/progress/").status_code == 404


def test_the_api_clocks_in_and_out_and_decides(client, sam, sams_rotation, paula):
    client.force_login(sam.user)
    response = client.post("/api/hours/time-records/", {**INSIDE, "key": "0b8e5f9a-3a56-4c8e-9d0e-7b1c2d3e4f50"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    record_id = response.json()["id"]
    again = client.post("/api/hours/time-records/", {**INSIDE, "key": "0b8e5f9a-3a56-4c8e-9d0e-7b1c2d3e4f50"},
                        content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == record_id
    out = client.post(f"/api/hours/time-records/{record_id}/clock-out/", OUTSIDE, content_type="application/json")
    assert out.json()["status"] == "pending" and out.json()["flag_outside_geofence"] is True
    client.force_login(paula.user)
    decided = client.post("/api/hours/time-records/decisions/", {"decision": "approved", "records": [record_id]},
                          content_type="application/json")
    assert decided.status_code == 200 and decided.json()[0]["status"] == "approved"
