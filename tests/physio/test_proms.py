"""Scores that act: the PHQ-9 item 9 flag, booking requests past a threshold, versions, schedules."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.notifications.models import Notification
from apps.physio.models import AppendOnlyError, BookingRequest, PromFlag, PromResponse
from apps.physio.services import bookings as booking_services
from apps.physio.services import proms as prom_services
from tests.clinical.factories import VisitFactory
from tests.physio.conftest import send

pytestmark = pytest.mark.django_db

PHQ9_WITH_ITEM9 = {f"q{n}": v for n, v in enumerate([1, 1, 1, 1, 0, 0, 0, 0, 1], 1)}


def test_phq9_item_9_above_0_tells_the_clinician_at_once_and_stays_on_the_chart_until_acknowledged(
        client, patient, practitioner, templates, django_capture_on_commit_callbacks):
    instance = send(patient, templates["phq9"], practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = prom_services.prom_submit(instance=instance, answers=PHQ9_WITH_ITEM9)
    flag = PromFlag.objects.for_company(patient.company).get(response=response)
    told = Notification.objects.for_company(patient.company).filter(user=practitioner, kind="prom_flag")
    assert told.count() == 2  # in-app and e-mail
    assert "item 9" in told.first().title

    client.force_login(practitioner)
    chart_url = reverse("physio:chart_card", kwargs={"patient_id": patient.pk})
    assert "Urgent:" in client.get(chart_url).content.decode()
    client.post(reverse("physio:flag_acknowledge", kwargs={"flag_id": flag.pk}), {"note": "Phoned; safe, GP informed"})
    flag.refresh_from_db()
    assert flag.acknowledged_by == practitioner and flag.acknowledgement_note == "Phoned; safe, GP informed"
    assert "Urgent:" not in client.get(chart_url).content.decode()


def test_phq9_item_9_flags_even_when_too_few_items_were_answered(patient, practitioner, templates):
    instance = send(patient, templates["phq9"], practitioner)
    response = prom_services.prom_submit(instance=instance, answers={"q9": 2})
    assert response.score is None
    assert PromFlag.objects.for_company(patient.company).filter(response=response).exists()


def test_an_odi_past_the_threshold_asks_reception_to_book_and_rita_dismisses_it(
        client, patient, practitioner, reception, templates):
    odi = templates["odi"]
    odi.booking_threshold = 40
    odi.save()
    low = send(patient, odi, practitioner)
    prom_services.prom_submit(instance=low, answers={f"q{n}": 1 for n in range(1, 11)})  # 20 %
    assert not BookingRequest.objects.for_company(patient.company).exists()
    high = send(patient, odi, practitioner)
    response = prom_services.prom_submit(instance=high, answers={f"q{n}": 3 for n in range(1, 11)})  # 60 %
    booking = BookingRequest.objects.for_company(patient.company).get()
    assert booking.source_response == response and "60" in booking.reason

    client.force_login(reception)
    page = client.get(reverse("physio:bookings")).content.decode()
    assert patient.full_name in page
    client.post(reverse("physio:booking_dismiss", kwargs={"request_id": booking.pk}))
    booking.refresh_from_db()
    assert booking.status == "dismissed" and booking.handled_by == reception
    with pytest.raises(ValidationError):
        booking_services.booking_request_dismiss(actor=reception, booking=booking)


def test_licensed_text_makes_a_new_version_and_older_responses_keep_theirs(patient, practitioner, templates):
    odi = templates["odi"]
    first = send(patient, odi, practitioner)
    old = prom_services.prom_submit(instance=first, answers={f"q{n}": 2 for n in range(1, 11)})
    version = prom_services.prom_template_revise(actor=practitioner, template=odi,
                                                 labels={"q1": "Pain intensity (licensed text)"})
    assert version.version == 2
    second = send(patient, odi, practitioner)
    assert second.template_version == version
    assert old.template_version.version == 1 and old.template_version.items[0]["label"].startswith("Item 1")
    with pytest.raises(ValidationError):
        prom_services.prom_template_revise(actor=practitioner, template=odi, labels={"q99": "no such item"})


def test_a_response_is_append_only(patient, practitioner, templates):
    response = prom_services.prom_submit(instance=send(patient, templates["nprs"], practitioner), answers={"pain": 3})
    response.score = 0
    with pytest.raises(AppendOnlyError):
        response.save()


def test_every_two_visits_sends_the_next_questionnaire_after_two_more_visits(patient, practitioner, templates, visit):
    schedule = prom_services.prom_schedule_create(actor=practitioner, patient=patient, template=templates["nprs"],
                                                  mode="visits", interval=2, channel="none")
    assert schedule.sent_count == 1  # at intake
    assert prom_services.prom_schedules_run(company_id=patient.company_id) == 0
    VisitFactory(case=visit.case)
    assert prom_services.prom_schedules_run(company_id=patient.company_id) == 0
    VisitFactory(case=visit.case)
    assert prom_services.prom_schedules_run(company_id=patient.company_id) == 1
    schedule.refresh_from_db()
    assert schedule.sent_count == 2


def test_every_n_weeks_needs_a_plan(patient, practitioner, templates):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        prom_services.prom_schedule_create(actor=practitioner, patient=patient, template=templates["nprs"],
                                           mode="weeks", interval=2, channel="none")


def test_pat_sends_a_questionnaire_from_the_physio_page_and_a_double_submit_sends_one(
        client, patient, practitioner, templates):
    client.force_login(practitioner)
    url = reverse("physio:patient", kwargs={"patient_id": patient.pk})
    body = {"action": "send_prom", "template": str(templates["lefs"].pk), "channel": "none",
            "idempotency_key": "7b8f0c1e-2a3b-4c5d-9e8f-0a1b2c3d4e5f"}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    assert patient.prom_instances.count() == 1
    no_email = client.post(url, {**body, "channel": "email", "idempotency_key": ""})
    assert no_email.status_code == 400 and "no e-mail address" in no_email.content.decode()


def test_the_trend_page_draws_each_score_and_the_mcid(client, patient, practitioner, templates):
    for answers in ({"pain": 8}, {"pain": 5}, {"pain": 3}):
        prom_services.prom_submit(instance=send(patient, templates["nprs"], practitioner), answers=answers)
    client.force_login(practitioner)
    page = client.get(reverse("physio:trend", kwargs={"patient_id": patient.pk, "instrument": "nprs"}))
    text = page.content.decode()
    assert page.status_code == 200 and text.count("<circle") == 3 and "trend-mcid" in text
    assert client.get(reverse("physio:trend", kwargs={"patient_id": patient.pk, "instrument": "xyz"})).status_code == 404
    physio = client.get(reverse("physio:patient", kwargs={"patient_id": patient.pk})).content.decode()
    assert "change +5" in physio and "≥ MCID" in physio


def test_the_outcomes_report_shows_mean_change_per_practitioner_and_response_rates(
        client, patient, practitioner, templates):
    for answers in ({"pain": 8}, {"pain": 4}):
        prom_services.prom_submit(instance=send(patient, templates["nprs"], practitioner), answers=answers)
    send(patient, templates["nprs"], practitioner)  # unanswered
    client.force_login(practitioner)
    text = client.get(reverse("physio:outcomes")).content.decode()
    assert "+4.0" in text and "67%" in text


@pytest.mark.parametrize("responses", [1, 6])
def test_the_chart_section_costs_the_same_queries_however_many_responses(
        client, patient, practitioner, templates, responses, django_assert_num_queries):
    from apps.physio import selectors

    for n in range(responses):
        prom_services.prom_submit(instance=send(patient, templates["phq9"], practitioner),
                                  answers={f"q{i}": 1 if i == 9 and n == 0 else 0 for i in range(1, 10)})
    with django_assert_num_queries(2):
        summary = selectors.chart_summary(patient)
    assert len(summary["flags"]) == 1 and summary["summaries"][0]["count"] == responses
    assert PromResponse.objects.for_company(patient.company).count() == responses


def test_rita_turns_a_booking_request_into_an_appointment(client, patient, practitioner, reception, templates,
                                                          clinic):
    import datetime

    from apps.scheduling.models import Appointment, ServiceType

    odi = templates["odi"]
    odi.booking_threshold = 40
    odi.save()
    prom_services.prom_submit(instance=send(patient, odi, practitioner), answers={f"q{n}": 3 for n in range(1, 11)})
    booking = BookingRequest.objects.for_company(patient.company).get()
    service = ServiceType.objects.create(company=patient.company, name="Physio review", duration_minutes=30)
    client.force_login(reception)
    url = reverse("physio:booking_book", kwargs={"request_id": booking.pk})
    assert client.get(url).status_code == 200
    start = (datetime.date.today() + datetime.timedelta(days=7)).isoformat() + "T10:00"
    body = {"site": str(clinic.pk), "practitioner": str(practitioner.pk), "service_type": str(service.pk),
            "start": start, "idempotency_key": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}
    assert client.post(url, body).status_code == 302
    booking.refresh_from_db()
    appointment = Appointment.objects.for_company(patient.company).get()
    assert booking.status == "booked" and booking.appointment_id == appointment.pk
    assert appointment.patient == patient and appointment.practitioner == practitioner
    again = client.post(url, body)
    assert again.status_code == 400 and "no longer open" in again.content.decode()
