"""Booking requests for reception: dismiss, or book (an appointment through scheduling)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.physio.models import BookingRequest


def _locked(booking) -> BookingRequest:
    return (BookingRequest.objects.for_company(booking.company_id).select_for_update(of=("self",))
            .select_related("patient").get(pk=booking.pk))


def booking_request_dismiss(*, actor, booking) -> BookingRequest:
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status != BookingRequest.Status.OPEN:
            raise ValidationError("This request is no longer open.")
        locked.status, locked.handled_by, locked.handled_at = BookingRequest.Status.DISMISSED, actor, timezone.now()
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="booking_request.dismiss", entity=locked)
    return locked


def booking_request_mark_booked(*, actor, booking, appointment_id) -> BookingRequest:
    """Record the appointment a request was turned into (called in the booking's transaction)."""
    with transaction.atomic():
        locked = _locked(booking)
        if locked.status != BookingRequest.Status.OPEN:
            raise ValidationError("This request is no longer open.")
        locked.status, locked.appointment_id = BookingRequest.Status.BOOKED, appointment_id
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="booking_request.book", entity=locked,
                         changes={"appointment": str(appointment_id)})
    return locked


def booking_request_book(*, actor, booking, practitioner, site, service_type, start, idempotency_key=None):
    """Turn an open request into an appointment through scheduling's ``appointment_book`` (its
    clash rules, audit and reminders), and mark the request booked — one transaction: a refused
    booking leaves the request open."""
    from apps.scheduling.services import appointment_book

    with transaction.atomic():
        locked = _locked(booking)
        if locked.status != BookingRequest.Status.OPEN:
            raise ValidationError("This request is no longer open.")
        appointment = appointment_book(actor=actor, patient=locked.patient, practitioner=practitioner, site=site,
                                       service_type=service_type, start=start, idempotency_key=idempotency_key,
                                       note=locked.reason[:200])
        booking_request_mark_booked(actor=actor, booking=locked, appointment_id=appointment.pk)
    return appointment
