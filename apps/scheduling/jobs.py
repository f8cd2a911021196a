"""The work behind the appointment book's Celery tasks: waitlist offers, self-booking links and
reminders. (tasks.py stays thin; services dispatch the tasks, so the work lives here and never
imports the services or the tasks.)

Exactly once: a reminder is one ``Reminder`` row per (appointment, lead, channel) — a unique key —
locked while it is sent and stamped ``sent_at`` in the same transaction; a waitlist offer is sent
when the entry's state moves to "offered" for that appointment, under the entry's row lock.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record, model_changes, snapshot
from apps.core.links import absolute_url
from apps.notifications.sms import sms_send
from apps.scheduling import signing
from apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    PatientContactPreference,
    Reminder,
    SchedulingSettings,
    WaitlistEntry,
)
from apps.scheduling.selectors import waitlist_matches

OFFERS_PER_FREED_TIME = 3  # the first to accept gets it; the others find it taken (a clean refusal)
S = AppointmentStatus


def _local(appointment_or_start, time_zone):
    moment = getattr(appointment_or_start, "start", appointment_or_start)
    return moment.astimezone(ZoneInfo(time_zone))


def _when(appointment) -> str:
    return f"{_local(appointment, appointment.site.time_zone):%A %d %B %Y at %H:%M} ({appointment.site.time_zone})"


# ---------------------------------------------------------------- waitlist
def waitlist_offer_freed(*, company_id, appointment_id) -> int:
    """Offer a freed (cancelled / no-show) future time to the best-matching waitlist entries."""
    appointment = (Appointment.objects.for_company(company_id).select_related("site", "practitioner", "service_type")
                   .filter(pk=appointment_id).first())
    if appointment is None or appointment.status not in (S.CANCELLED, S.NOSHOW) or appointment.start <= timezone.now():
        return 0
    sent = 0
    for entry in waitlist_matches(appointment)[:OFFERS_PER_FREED_TIME]:
        sent += waitlist_offer_send(company_id=company_id, entry_id=entry.pk, appointment_id=appointment.pk,
                                    appointment=appointment)
    return sent


def waitlist_offer_send(*, company_id, entry_id, appointment_id, appointment=None) -> int:
    appointment = appointment or (Appointment.objects.for_company(company_id)
                                  .select_related("site", "practitioner", "service_type").get(pk=appointment_id))
    with transaction.atomic():
        entry = (WaitlistEntry.objects.for_company(company_id).select_for_update(of=("self",))
                 .select_related("patient").filter(pk=entry_id).first())
        if entry is None or entry.state not in (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED) \
                or entry.offered_appointment_id == appointment.pk:
            return 0
        before = snapshot(entry)
        entry.state, entry.offered_appointment, entry.offered_at = WaitlistEntry.State.OFFERED, appointment, timezone.now()
        entry._history_user = None
        entry.save()
        audit_log_record(company=company_id, actor=None, action="waitlist_entry.offer", entity=entry,
                         changes=model_changes(entry, before))
        patient = entry.patient
        link = absolute_url(signing.offer_path(entry, appointment))
        body = (f"A time has come free at {appointment.site.name}: {appointment.service_type.name} with "
                f"{appointment.practitioner} on {_when(appointment)}.\n\nTake it: {link}\n\n"
                "The first to accept gets it; the link works for 48 hours.")
        sent = 0
        if patient.email:
            sent += send_mail(f"A time has come free at {appointment.site.name}", body,
                              settings.DEFAULT_FROM_EMAIL, [patient.email])
        elif patient.phone:
            sent += sms_send(to=patient.phone, body=f"{appointment.site.name}: a time came free "
                                                    f"{_local(appointment, appointment.site.time_zone):%a %d %b %H:%M}. "
                                                    f"Take it: {link}")
    return sent


# ---------------------------------------------------------------- self-booking
def booking_request_send_link(*, company_id, request_id) -> int:
    row = (BookingRequest.objects.for_company(company_id).select_related("site", "service_type", "practitioner")
           .filter(pk=request_id, state=BookingRequest.State.AWAITING).first())
    if row is None:
        return 0
    link = absolute_url(signing.confirm_path(row))
    local = _local(row.start, row.site.time_zone)
    body = (f"Hello {row.first_name},\n\nYou asked for {row.service_type.name} with {row.practitioner} at "
            f"{row.site.name} on {local:%A %d %B %Y at %H:%M} ({row.site.time_zone}).\n\n"
            f"Nothing is booked yet. Confirm here within 24 hours: {link}\n\n"
            "If you did not ask for this, ignore this e-mail.")
    return send_mail(f"Confirm your appointment at {row.site.name}", body, settings.DEFAULT_FROM_EMAIL, [row.email])


# ---------------------------------------------------------------- reminders
def _channels(patient) -> list[str]:
    """The patient's reminder channels: their preference (no row: both), where they have an
    address or a number."""
    try:
        preference = patient.contact_preference
    except PatientContactPreference.DoesNotExist:
        preference = None
    channels = []
    if patient.email and (preference is None or preference.email_reminders):
        channels.append(Reminder.Channel.EMAIL)
    if patient.phone and (preference is None or preference.sms_reminders):
        channels.append(Reminder.Channel.SMS)
    return channels


def due_lead(start, leads, now):
    """The lead whose reminder is due now: the smallest lead L with start − L ≤ now (a reminder
    missed because the booking came later than a lead is not sent late as well), or None."""
    due = [lead for lead in leads if start - datetime.timedelta(minutes=lead) <= now]
    return min(due) if due else None


def reminders_send_due(*, company_id, now=None) -> int:
    """Send every due reminder of the company's booked appointments, each once."""
    now = now or timezone.now()
    settings_row = SchedulingSettings.objects.for_company(company_id).first()
    leads = settings_row.leads if settings_row else sorted(SchedulingSettings.DEFAULT_LEADS, reverse=True)
    if not leads:
        return 0
    horizon = now + datetime.timedelta(minutes=max(leads))
    appointments = list(Appointment.objects.for_company(company_id)
                        .filter(status__in=[S.BOOKED, S.PENDING], start__gt=now, start__lte=horizon)
                        .select_related("patient__contact_preference", "site", "practitioner", "service_type"))
    done = set(Reminder.objects.for_company(company_id).filter(appointment__in=appointments)
               .values_list("appointment_id", "lead_minutes", "channel"))
    sent = 0
    for appointment in appointments:
        lead = due_lead(appointment.start, leads, now)
        if lead is None:
            continue
        for channel in _channels(appointment.patient):
            if (appointment.pk, lead, channel) not in done:
                sent += reminder_send(appointment=appointment, lead=lead, channel=channel)
    return sent


def reminder_send(*, appointment, lead, channel) -> int:
    """One reminder, exactly once: the row is created (unique key) and locked, the message sent,
    ``sent_at`` stamped, all in one transaction. A bad number is recorded and not retried."""
    with transaction.atomic():
        row, _ = Reminder.objects.for_company(appointment.company_id).get_or_create(
            appointment=appointment, lead_minutes=lead, channel=channel,
            defaults={"company_id": appointment.company_id})
        row = Reminder.objects.for_company(appointment.company_id).select_for_update().get(pk=row.pk)
        if row.sent_at is not None or row.error:
            return 0
        patient = appointment.patient
        text = (f"Reminder: {appointment.service_type.name} with {appointment.practitioner} at "
                f"{appointment.site.name} on {_when(appointment)}.")
        try:
            if channel == Reminder.Channel.EMAIL:
                send_mail(f"Your appointment at {appointment.site.name}", f"Hello {patient.first_name},\n\n{text}\n\n"
                          "To cancel or move it, please call the clinic.", settings.DEFAULT_FROM_EMAIL, [patient.email])
            else:
                sms_send(to=patient.phone, body=text)
        except ValueError as error:  # not a number a text can go to: recorded, not retried
            row.error = str(error)[:300]
            row.save(update_fields=["error", "updated_at"])
            return 0
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at", "updated_at"])
    return 1
