"""The book's rules at the service level: no double booking (three exclusion constraints on
half-open ranges), overbooking, FHIR status workflow, recurrence that survives daylight saving."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from apps.audit.models import AuditLog
from apps.scheduling import services
from apps.scheduling.models import Appointment, AppointmentSeries
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
S = Appointment.Status


def book(actor, patient, practitioner, clinic, service, start, **kwargs):
    return services.appointment_book(actor=actor, patient=patient, practitioner=practitioner, site=clinic,
                                     service_type=service, start=start, **kwargs)


def test_rita_books_pat_back_to_back_and_the_second_booking_starts_where_the_first_ends(
        reception, patient, other_patient, practitioner, clinic, consult):
    first = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    second = book(reception, other_patient, practitioner, clinic, consult, at("2026-12-01", "09:30"))
    assert first.end == second.start
    assert AuditLog.objects.for_company(clinic.company).filter(action="appointment.book").count() == 2


def test_pat_cannot_be_booked_twice_at_overlapping_times(reception, patient, other_patient, practitioner, clinic,
                                                        consult):
    first = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    with pytest.raises(services.AppointmentConflict) as refused:
        book(reception, other_patient, practitioner, clinic, consult, at("2026-12-01", "09:15"))
    assert [(c.rule, c.appointment.pk) for c in refused.value.clashes] == [("practitioner", first.pk)]
    assert "start" in refused.value.message_dict


def test_one_room_cannot_hold_two_patients_with_two_practitioners(reception, patient, other_patient, practitioner,
                                                                  physio, clinic, consult, room):
    book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "10:00"), resource=room)
    with pytest.raises(services.AppointmentConflict) as refused:
        book(reception, other_patient, physio, clinic, consult, at("2026-12-01", "10:10"), resource=room)
    assert [c.rule for c in refused.value.clashes] == ["resource"]
    assert "resource" in refused.value.message_dict


def test_margaret_cannot_be_with_two_providers_at_once(reception, patient, practitioner, physio, clinic, consult):
    book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "11:00"))
    with pytest.raises(services.AppointmentConflict) as refused:
        book(reception, patient, physio, clinic, consult, at("2026-12-01", "11:20"))
    assert [c.rule for c in refused.value.clashes] == ["patient"]


def test_a_cancelled_appointment_does_not_block_its_time(reception, patient, other_patient, practitioner, clinic,
                                                         consult):
    first = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    services.appointment_cancel(actor=reception, appointment=first, reason="Patient unwell")
    again = book(reception, other_patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    assert again.status == S.BOOKED


def test_the_database_refuses_what_the_service_would_have_caught(patient, other_patient, practitioner, clinic,
                                                                 consult, room):
    """No code path can double-book: a raw insert past the service meets each constraint."""
    start = at("2026-12-01", "09:00")
    base = dict(site=clinic, company=clinic.company, service_type=consult, start=start,
                end=start + datetime.timedelta(minutes=30))
    Appointment.objects.create(patient=patient, practitioner=practitioner, resource=room, **base)
    for clash in ({"patient": other_patient, "practitioner": practitioner},  # practitioner
                  {"patient": patient, "practitioner": other_patient.home_site and _someone(clinic)},  # patient
                  ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.create(**clash, **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # room, with another patient and practitioner
        Appointment.objects.create(patient=other_patient, practitioner=_someone(clinic), resource=room, **base)


def _someone(clinic):
    from tests.factories import UserFactory

    return UserFactory(company=clinic.company)


def test_overbooking_is_explicit_and_audited_and_only_passes_the_practitioner_rule(
        reception, patient, other_patient, practitioner, clinic, consult, room):
    book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"), resource=room)
    over = book(reception, other_patient, practitioner, clinic, consult, at("2026-12-01", "09:00"), overbook=True)
    assert over.overbooked
    row = AuditLog.objects.for_company(clinic.company).get(action="appointment.overbook")
    assert row.severity == AuditLog.Severity.NOTICE and row.actor == reception
    with pytest.raises(services.AppointmentConflict):  # the room is still one room
        book(reception, _patient(clinic), practitioner, clinic, consult, at("2026-12-01", "09:00"), resource=room,
             overbook=True)


def _patient(clinic):
    from tests.clinical.factories import PatientFactory

    return PatientFactory(home_site=clinic)


def test_the_same_idempotency_key_books_once(reception, patient, practitioner, clinic, consult):
    import uuid

    key = uuid.uuid4()
    first = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"), idempotency_key=key)
    again = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"), idempotency_key=key)
    assert first.pk == again.pk
    assert Appointment.objects.for_company(clinic.company).count() == 1


def test_the_status_follows_the_fhir_workflow(reception, patient, practitioner, clinic, consult):
    appointment = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    appointment = services.appointment_check_in(actor=reception, appointment=appointment)
    assert appointment.status == S.CHECKED_IN and appointment.checked_in_at is not None
    appointment = services.appointment_set_status(actor=reception, appointment=appointment, status=S.FULFILLED)
    with pytest.raises(services.ValidationError):
        services.appointment_set_status(actor=reception, appointment=appointment, status=S.NOSHOW)


def test_a_needed_room_is_chosen_when_none_is_given(reception, patient, practitioner, clinic, consult, room):
    consult.needs_resource, consult.resource_kind = True, "room"
    consult.save()
    appointment = book(reception, patient, practitioner, clinic, consult, at("2026-12-01", "09:00"))
    assert appointment.resource == room
    with pytest.raises(services.ValidationError) as refused:
        book(reception, _patient(clinic), _someone_practitioner(clinic), clinic, consult, at("2026-12-01", "09:10"))
    assert "resource" in refused.value.message_dict


def _someone_practitioner(clinic):
    from apps.tenants.roles import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(company=clinic.company)
    MembershipFactory(user=user, role=Role.PRACTITIONER, site=clinic)
    return user


# ---------------------------------------------------------------- recurrence across daylight saving
def _local_times(series, zone):
    return [(a.start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"), a.start.astimezone(ZoneInfo(zone)).utcoffset())
            for a in series.occurrences.order_by("start")]


def test_a_weekly_series_across_the_us_spring_forward_keeps_9am(reception, patient, physio, clinic, physio_session):
    series = services.series_create(actor=reception, patient=patient, practitioner=physio, site=clinic,
                                    service_type=physio_session, local_start=datetime.datetime(2027, 3, 1, 9, 0),
                                    rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4")
    times = _local_times(series, "America/New_York")
    assert [t for t, _ in times] == ["2027-03-01 09:00", "2027-03-08 09:00", "2027-03-15 09:00", "2027-03-22 09:00"]
    assert [o.total_seconds() / 3600 for _, o in times] == [-5, -5, -4, -4]  # EST, EST, then EDT (2027-03-14)
    assert {a.original_start for a in series.occurrences.all()} == {a.start for a in series.occurrences.all()}


def test_a_weekly_series_across_the_us_fall_back_keeps_9am(reception, patient, physio, clinic, physio_session):
    series = services.series_create(actor=reception, patient=patient, practitioner=physio, site=clinic,
                                    service_type=physio_session, local_start=datetime.datetime(2027, 10, 25, 9, 0),
                                    rrule="FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20271112T235959Z")
    times = _local_times(series, "America/New_York")
    assert {t[-5:] for t, _ in times} == {"09:00"}
    assert [t[:10] for t, _ in times] == ["2027-10-25", "2027-10-28", "2027-11-01", "2027-11-04", "2027-11-08",
                                         "2027-11-11"]
    assert times[3][1] == datetime.timedelta(hours=-4) and times[4][1] == datetime.timedelta(hours=-5)  # 2027-11-07


def test_a_weekly_series_in_sydney_keeps_its_local_time_when_daylight_saving_ends(
        reception, patient, physio, sponsor, physio_session):
    from apps.scheduling.models import WeeklyAvailability
    from tests.factories import SiteFactory

    sydney = SiteFactory(institution=sponsor.institution, name="Harbour Clinic Sydney", time_zone="Australia/Sydney")
    WeeklyAvailability.objects.create(practitioner=physio, site=sydney, company=sydney.company, weekday=3,
                                      start_time=datetime.time(9), end_time=datetime.time(19))  # Sam works there
    series = services.series_create(actor=reception, patient=patient, practitioner=physio, site=sydney,
                                    service_type=physio_session, local_start=datetime.datetime(2027, 3, 25, 17, 30),
                                    rrule="FREQ=WEEKLY;INTERVAL=1;COUNT=3")
    times = _local_times(series, "Australia/Sydney")
    assert [t for t, _ in times] == ["2027-03-25 17:30", "2027-04-01 17:30", "2027-04-08 17:30"]
    assert [o for _, o in times] == [datetime.timedelta(hours=11)] * 2 + [datetime.timedelta(hours=10)]  # AEDT→AEST


def test_a_series_with_one_clash_is_refused_whole_listing_the_date(reception, patient, other_patient, physio, clinic,
                                                                   physio_session, consult):
    book(reception, other_patient, physio, clinic, consult, at("2027-03-15", "09:15"))
    with pytest.raises(services.AppointmentConflict) as refused:
        services.series_create(actor=reception, patient=patient, practitioner=physio, site=clinic,
                               service_type=physio_session, local_start=datetime.datetime(2027, 3, 1, 9, 0),
                               rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4")
    assert refused.value.dates == [datetime.date(2027, 3, 15)]
    assert "Mon 15 Mar 2027" in refused.value.message_dict["start"][0]
    assert not AppointmentSeries.objects.for_company(clinic.company).exists()
    assert Appointment.objects.for_company(clinic.company).count() == 1


def test_an_invalid_rule_is_a_field_error(reception, patient, physio, clinic, physio_session):
    for rule in ("FREQ=WEEKLY", "FREQ=HOURLY;COUNT=3", "FREQ=WEEKLY;COUNT=500", "FREQ=WEEKLY;BYSETPOS=1;COUNT=2"):
        with pytest.raises(services.ValidationError) as refused:
            services.series_create(actor=reception, patient=patient, practitioner=physio, site=clinic,
                                   service_type=physio_session, local_start=datetime.datetime(2027, 3, 1, 9, 0),
                                   rrule=rule)
        assert "rrule" in refused.value.message_dict, rule


def _series(reception, patient, physio, clinic, physio_session):
    return services.series_create(actor=reception, patient=patient, practitioner=physio, site=clinic,
                                  service_type=physio_session, local_start=datetime.datetime(2027, 3, 1, 9, 0),
                                  rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4")


def test_cancelling_one_occurrence_leaves_the_others_booked(reception, patient, physio, clinic, physio_session):
    series = _series(reception, patient, physio, clinic, physio_session)
    occurrences = list(series.occurrences.order_by("start"))
    services.appointment_cancel(actor=reception, appointment=occurrences[1], reason="Holiday")
    assert [a.status for a in series.occurrences.order_by("start")] == [S.BOOKED, S.CANCELLED, S.BOOKED, S.BOOKED]


def test_cancelling_this_and_following_and_the_whole_series(reception, patient, physio, clinic, physio_session):
    series = _series(reception, patient, physio, clinic, physio_session)
    occurrences = list(series.occurrences.order_by("start"))
    services.appointment_cancel(actor=reception, appointment=occurrences[2], reason="Discharged", scope="following")
    assert [a.status for a in series.occurrences.order_by("start")] == [S.BOOKED, S.BOOKED, S.CANCELLED, S.CANCELLED]
    services.appointment_cancel(actor=reception, appointment=occurrences[0], reason="Moved away", scope="series")
    assert {a.status for a in series.occurrences.all()} == {S.CANCELLED}


def test_moving_this_and_following_to_10am_keeps_local_time_across_the_change(reception, patient, physio, clinic,
                                                                             physio_session):
    series = _series(reception, patient, physio, clinic, physio_session)
    occurrences = list(series.occurrences.order_by("start"))
    services.appointment_move(actor=reception, appointment=occurrences[1], start=at("2027-03-08", "10:00"),
                              scope="following")
    times = [t for t, _ in _local_times(series, "America/New_York")]
    assert times == ["2027-03-01 09:00", "2027-03-08 10:00", "2027-03-15 10:00", "2027-03-22 10:00"]
    moved = series.occurrences.order_by("start")[2]
    assert moved.original_start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") == "09:00"


def test_moving_the_whole_series_onto_a_clash_moves_nothing(reception, patient, other_patient, physio, clinic,
                                                            physio_session, consult):
    series = _series(reception, patient, physio, clinic, physio_session)
    book(reception, other_patient, physio, clinic, consult, at("2027-03-22", "14:00"))
    first = series.occurrences.order_by("start").first()
    with pytest.raises(services.AppointmentConflict) as refused:
        services.appointment_move(actor=reception, appointment=first, start=at("2027-03-01", "14:00"), scope="series")
    assert refused.value.dates == [datetime.date(2027, 3, 22)]
    assert {t[-5:] for t, _ in _local_times(series, "America/New_York")} == {"09:00"}
