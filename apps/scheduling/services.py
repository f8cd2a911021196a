"""Writes of the appointment book. Every one is keyword-only, atomic, audited in the same
transaction, and starts side effects with ``dispatch`` (on commit).

No double booking is held by the database (three exclusion constraints, models.py); the services
check first (to name every conflict) and still rely on the constraint: a race lost at INSERT is an
``exclusion_violation``, turned into the same ``AppointmentConflict`` with the winner named.
Pages, the API, the self-booking link, the waitlist offer and physio all book through
``appointment_book``; series through ``series_create``.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.audit.services import audit_log_record, model_changes, snapshot
from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch
from apps.scheduling import recurrence
from apps.scheduling.models import (
    BLOCKING_STATUSES,
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    AvailabilityOverride,
    BookingRequest,
    PatientContactPreference,
    PractitionerFeed,
    SchedulingSettings,
    ServiceType,
    TimeOff,
    WaitlistEntry,
    WeeklyAvailability,
)
from apps.scheduling.selectors import scheduling_settings

S = AppointmentStatus
EXCLUSION_VIOLATION = "23P01"

# FHIR R4 Appointment status: where each status may go from (http://hl7.org/fhir/R4/appointment.html,
# "status" — the workflow proposed → pending → booked → arrived/checked-in → fulfilled, with cancelled,
# noshow and entered-in-error as ends; a no-show may be reverted to booked when marked by mistake).
TRANSITIONS = {
    S.PROPOSED: {S.PENDING, S.BOOKED, S.CANCELLED, S.ENTERED_IN_ERROR},
    S.PENDING: {S.BOOKED, S.CANCELLED, S.ENTERED_IN_ERROR},
    S.BOOKED: {S.ARRIVED, S.CHECKED_IN, S.FULFILLED, S.CANCELLED, S.NOSHOW, S.ENTERED_IN_ERROR},
    S.ARRIVED: {S.CHECKED_IN, S.FULFILLED, S.CANCELLED, S.NOSHOW, S.ENTERED_IN_ERROR},
    S.CHECKED_IN: {S.FULFILLED, S.CANCELLED, S.ENTERED_IN_ERROR},
    S.FULFILLED: {S.ENTERED_IN_ERROR},
    S.NOSHOW: {S.BOOKED, S.ENTERED_IN_ERROR},
    S.WAITLIST: {S.BOOKED, S.CANCELLED, S.ENTERED_IN_ERROR},
    S.CANCELLED: {S.ENTERED_IN_ERROR},
    S.ENTERED_IN_ERROR: set(),
}

SCOPES = ("one", "following", "series")

RULE_FIELDS = {"practitioner": "practitioner", "resource": "resource", "patient": "patient"}


# ---------------------------------------------------------------- conflicts
@dataclass(frozen=True)
class Clash:
    rule: str  # practitioner | resource | patient
    appointment: Appointment

    def describe(self, time_zone=None) -> str:
        a = self.appointment
        zone = time_zone or a.site.time_zone
        from zoneinfo import ZoneInfo

        local = a.start.astimezone(ZoneInfo(zone))
        end = a.end.astimezone(ZoneInfo(zone))
        who = {"practitioner": f"{a.practitioner} is already booked",
               "resource": f"{a.resource} is already in use",
               "patient": "The patient already has an appointment"}[self.rule]
        return f"{who} {local:%a %d %b %Y %H:%M}–{end:%H:%M} ({a.service_type.name})."


class AppointmentConflict(ValidationError):
    """The time is taken (practitioner, room/equipment or patient). ``clashes`` name each
    conflicting appointment; ``dates`` the refused occurrences of a series. Pages show the message
    beside the field (``start``, or the resource), the API answers 409."""

    def __init__(self, clashes: list[Clash], *, dates=None, time_zone=None):
        self.clashes = clashes
        self.dates = list(dates or [])
        by_field: dict[str, list[str]] = {}
        for clash in clashes:
            field = "resource" if clash.rule == "resource" else "start"
            by_field.setdefault(field, []).append(clash.describe(time_zone))
        if self.dates:
            listed = ", ".join(f"{day:%a %d %b %Y}" for day in self.dates)
            by_field.setdefault("start", []).insert(0, f"The series clashes on {listed}; nothing was booked.")
        super().__init__(by_field or {"start": ["That time is taken."]}, code="conflict")

    def as_json(self) -> dict:
        return {
            "detail": "; ".join(message for messages in self.message_dict.values() for message in messages),
            "conflicts": [{"rule": c.rule, "appointment": str(c.appointment.pk), "start": c.appointment.start.isoformat(),
                           "end": c.appointment.end.isoformat(), "practitioner": str(c.appointment.practitioner_id),
                           "status": c.appointment.status} for c in self.clashes],
            "dates": [day.isoformat() for day in self.dates],
        }


def find_clashes(*, company_id, intervals, practitioner=None, resource=None, patient=None, exclude_ids=()):
    """Blocking appointments that overlap any of ``intervals`` ([(start, end)], half-open) for the
    practitioner, the resource or the patient: [Clash] in start order (one query)."""
    if not intervals:
        return []
    overlap = Q()
    for start, end in intervals:
        overlap |= Q(start__lt=end, end__gt=start)
    who = Q()
    if practitioner is not None:
        who |= Q(practitioner=practitioner, overbooked=False)
    if resource is not None:
        who |= Q(resource=resource)
    if patient is not None:
        who |= Q(patient=patient)
    if not who:
        return []
    rows = (Appointment.objects.for_company(company_id).filter(overlap, who, status__in=BLOCKING_STATUSES)
            .exclude(pk__in=list(exclude_ids)).select_related("practitioner", "resource", "service_type", "site")
            .order_by("start"))
    clashes = []
    for row in rows:
        if practitioner is not None and row.practitioner_id == practitioner.pk and not row.overbooked:
            clashes.append(Clash("practitioner", row))
        if resource is not None and row.resource_id == resource.pk:
            clashes.append(Clash("resource", row))
        if patient is not None and row.patient_id == patient.pk:
            clashes.append(Clash("patient", row))
    return clashes


def _is_exclusion_violation(error: IntegrityError) -> bool:
    cause = getattr(error, "__cause__", None)
    return getattr(cause, "sqlstate", None) == EXCLUSION_VIOLATION or "exclusion" in str(error).lower()


def _clashes_for(appointments, *, overbook=False, exclude_ids=()):
    clashes = []
    for a in appointments:
        clashes += find_clashes(company_id=a.company_id, intervals=[(a.start, a.end)],
                                practitioner=None if overbook or a.overbooked else a.practitioner,
                                resource=a.resource, patient=a.patient, exclude_ids=exclude_ids)
    return clashes


# ---------------------------------------------------------------- settings, service types
def scheduling_settings_update(*, actor, company, data: dict) -> SchedulingSettings:
    with transaction.atomic():
        row = SchedulingSettings.objects.for_company(company).select_for_update().first()
        before = snapshot(row) if row else {}
        row = row or SchedulingSettings(company=company)
        for key in ("reminder_leads_minutes", "self_booking_min_notice_minutes", "self_booking_horizon_days",
                    "late_cancellation_minutes", "slot_step_minutes"):
            if key in data:
                setattr(row, key, data[key])
        row.full_clean(exclude=["company"])
        row._history_user = actor
        row.save()
        audit_log_record(company=row.company_id, actor=actor, action="scheduling_settings.update", entity=row,
                         changes=model_changes(row, before))
    return row


def service_type_save(*, actor, company, data: dict, practitioners=None, sites=None, service_type=None) -> ServiceType:
    """Create or edit a service type (seed 003). Practitioners and sites must be the company's."""
    for person in practitioners or ():
        if person.company_id != getattr(company, "pk", company):
            raise ValidationError({"practitioners": "Choose people of this organization."})
    for site in sites or ():
        if site.company_id != getattr(company, "pk", company):
            raise ValidationError({"sites": "Unknown site."})
    with transaction.atomic():
        creating = service_type is None
        row = service_type or ServiceType(company=company)
        before = {} if creating else snapshot(ServiceType.objects.for_company(company).select_for_update().get(pk=row.pk))
        for key in ("name", "duration_minutes", "price", "colour", "active", "bookable_online", "needs_resource",
                    "resource_kind"):
            if key in data:
                setattr(row, key, data[key])
        if not row.needs_resource:
            row.resource_kind = ""
        row.full_clean(exclude=["company"])
        row._history_user = actor
        row.save()
        if practitioners is not None:
            row.practitioners.set(practitioners)
        if sites is not None:
            row.sites.set(sites)
        audit_log_record(company=row.company_id, actor=actor,
                         action="service_type.create" if creating else "service_type.update", entity=row,
                         changes={**model_changes(row, before),
                                  "practitioners": sorted(str(p.pk) for p in practitioners or ()),
                                  "sites": sorted(str(s.pk) for s in sites or ())})
    return row


def weekly_availability_add(*, actor, practitioner, site, weekday: int, start_time, end_time,
                            valid_from=None, valid_until=None) -> WeeklyAvailability:
    if practitioner.company_id != site.company_id:
        raise ValidationError({"practitioner": "Choose someone of this organization."})
    row = WeeklyAvailability(practitioner=practitioner, site=site, weekday=weekday, start_time=start_time,
                             end_time=end_time, valid_from=valid_from, valid_until=valid_until)
    row.company_id = site.company_id
    if end_time <= start_time:
        raise ValidationError({"end_time": "The range must end after it starts."})
    row.full_clean(exclude=["company"])
    with transaction.atomic():
        row._history_user = actor
        row.save()
        audit_log_record(company=row.company_id, actor=actor, action="availability.add", entity=row,
                         changes=snapshot(row))
    return row


def availability_override_add(*, actor, practitioner, site, date, start_time=None, end_time=None,
                              note="") -> AvailabilityOverride:
    """A date whose hours replace the weekly ones; without times, the practitioner is away that day."""
    if practitioner.company_id != site.company_id:
        raise ValidationError({"practitioner": "Choose someone of this organization."})
    if (start_time is None) != (end_time is None) or (start_time and end_time <= start_time):
        raise ValidationError({"end_time": "Give both times, the end after the start — or neither (closed all day)."})
    row = AvailabilityOverride(practitioner=practitioner, site=site, date=date, start_time=start_time,
                               end_time=end_time, unavailable=start_time is None, note=note[:200])
    row.company_id = site.company_id
    with transaction.atomic():
        row._history_user = actor
        row.save()
        audit_log_record(company=row.company_id, actor=actor, action="availability_override.add", entity=row,
                         changes=snapshot(row))
    return row


def time_off_add(*, actor, practitioner, start, end, reason="") -> TimeOff:
    """The practitioner is away in [start, end) at every site: no slots then (booked ones stay)."""
    if end <= start:
        raise ValidationError({"end": "Time off must end after it starts."})
    row = TimeOff(practitioner=practitioner, start=start, end=end, reason=reason[:200])
    row.company_id = practitioner.company_id
    with transaction.atomic():
        row._history_user = actor
        row.save()
        audit_log_record(company=row.company_id, actor=actor, action="time_off.add", entity=row,
                         changes=snapshot(row))
    return row


def weekly_availability_remove(*, actor, availability) -> None:
    with transaction.atomic():
        audit_log_record(company=availability.company_id, actor=actor, action="availability.remove",
                         entity=availability, changes=snapshot(availability))
        availability._history_user = actor
        availability.delete()


# ---------------------------------------------------------------- booking
def _works_at(practitioner, site) -> bool:
    """A clinical role at ``site`` (or one not tied to a site) or weekly hours there: the people
    who have a column in the site's book."""
    from apps.clinical.access import clinical_codes

    codes = clinical_codes(practitioner)
    if codes.get(site.pk) or codes.get(None):
        return True
    return WeeklyAvailability.objects.for_company(site.company_id).filter(site=site, practitioner=practitioner).exists()


def _check_parties(*, patient, practitioner, site, service_type, resource):
    company_id = site.company_id
    for name, row in (("patient", patient), ("practitioner", practitioner), ("service_type", service_type),
                      ("resource", resource)):
        if row is not None and row.company_id != company_id:
            raise ValidationError({name: "Not found in this organization."})
    if getattr(patient, "deleted_at", None) is not None:
        raise ValidationError({"patient": "This patient record was removed."})
    if not _works_at(practitioner, site):
        raise ValidationError({"practitioner": f"{practitioner} does not work at {site.name}: give them a role "
                                               "or working hours there first."})
    if not service_type.active:
        raise ValidationError({"service_type": "This service is no longer offered."})
    offered_by = {p.pk for p in service_type.practitioners.all()}
    if offered_by and practitioner.pk not in offered_by:
        raise ValidationError({"practitioner": f"{practitioner} does not offer {service_type.name}."})
    offered_at = {s.pk for s in service_type.sites.all()}
    if offered_at and site.pk not in offered_at:
        raise ValidationError({"service_type": f"{service_type.name} is not offered at {site.name}."})
    if resource is not None:
        if resource.site_id != site.pk:
            raise ValidationError({"resource": f"{resource.name} is not at {site.name}."})
        if not resource.is_active:
            raise ValidationError({"resource": f"{resource.name} is out of use."})
        if service_type.needs_resource and resource.kind != service_type.resource_kind:
            raise ValidationError({"resource": f"{service_type.name} needs a {service_type.resource_kind}."})


def _pick_resource(*, site, service_type, start, end):
    """A free active resource of the kind the service needs (first by name), or None."""
    from apps.tenants.models import Resource

    candidates = list(Resource.objects.for_company(site.company_id).filter(
        site=site, kind=service_type.resource_kind, is_active=True).order_by("name"))
    busy = set(Appointment.objects.for_company(site.company_id).filter(
        resource__in=candidates, status__in=BLOCKING_STATUSES, start__lt=end, end__gt=start)
        .values_list("resource_id", flat=True)) if candidates else set()
    return next((r for r in candidates if r.pk not in busy), None)


def _insert(appointments, *, overbook=False, time_zone=None):
    """Save the rows in a savepoint; an exclusion violation becomes AppointmentConflict naming the winner."""
    try:
        with transaction.atomic():
            for row in appointments:
                row.save()
    except IntegrityError as error:
        if not _is_exclusion_violation(error):
            raise
        clashes = _clashes_for(appointments, overbook=overbook, exclude_ids=[a.pk for a in appointments])
        raise AppointmentConflict(clashes, time_zone=time_zone) from error


def appointment_book(*, actor, patient, practitioner, site, service_type, start, resource=None, overbook=False,
                     idempotency_key=None, status=S.BOOKED, note="", booked_online=False, end=None) -> Appointment:
    """Book one appointment of ``service_type`` at ``start`` (an aware instant; its end is the
    service's duration later unless ``end`` is given). Refused with ``AppointmentConflict`` when the
    practitioner, the resource or the patient is busy then — ``overbook=True`` (audited) lets it
    past the practitioner's rule only. A service that needs a room or equipment gets the first free
    one of its kind when none is chosen. The same ``idempotency_key`` returns the first booking."""
    if start is None or timezone.is_naive(start):
        raise ValidationError({"start": "Give the start as a date and time with its time zone."})
    if status not in (S.PROPOSED, S.PENDING, S.BOOKED, S.WAITLIST):
        raise ValidationError({"status": "A new appointment is proposed, pending, booked or waitlisted."})
    if overbook and (actor is None or booked_online):
        raise ValidationError({"overbook": "Only staff may overbook."})
    _check_parties(patient=patient, practitioner=practitioner, site=site, service_type=service_type, resource=resource)
    end = end or start + datetime.timedelta(minutes=service_type.duration_minutes)
    if end <= start:
        raise ValidationError({"end": "The appointment must end after it starts."})
    if service_type.needs_resource and resource is None:
        resource = _pick_resource(site=site, service_type=service_type, start=start, end=end)
        if resource is None:
            raise ValidationError({"resource": f"No free {service_type.resource_kind} at {site.name} then."})

    def create():
        appointment = Appointment(
            patient=patient, practitioner=practitioner, site=site, resource=resource, service_type=service_type,
            start=start, end=end, status=status, overbooked=bool(overbook), booked_by=actor if actor else None,
            booked_online=booked_online, note=note, idempotency_key=idempotency_key)
        appointment.company_id = site.company_id
        if status in BLOCKING_STATUSES:
            clashes = _clashes_for([appointment], overbook=overbook)
            if clashes:
                raise AppointmentConflict(clashes, time_zone=site.time_zone)
        appointment._history_user = actor
        _insert([appointment], overbook=overbook, time_zone=site.time_zone)
        audit_log_record(company=appointment.company_id, actor=actor,
                         action="appointment.overbook" if overbook else "appointment.book", entity=appointment,
                         changes=snapshot(appointment),
                         severity=AuditLog.Severity.NOTICE if overbook else AuditLog.Severity.INFO)
        return appointment

    with transaction.atomic():
        appointment, _created = replay_or_create(
            Appointment.objects.for_company(site.company_id), key_field="idempotency_key", key=idempotency_key,
            create=create)
    return appointment


# ---------------------------------------------------------------- status changes
def _lock(appointments):
    """Lock the appointments in primary-key order (one writer at a time per row, never a deadlock)."""
    ids = sorted(a.pk for a in appointments)
    if not ids:
        return {}
    company_id = appointments[0].company_id
    rows = Appointment.objects.for_company(company_id).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows.select_related("site", "service_type", "patient", "practitioner", "resource")}


def appointment_lock(appointment) -> Appointment:
    """The appointment's row, locked (``SELECT … FOR UPDATE``)."""
    return _lock([appointment])[appointment.pk]


def appointment_set_status(*, actor, appointment, status, reason="") -> Appointment:
    """Move one appointment along the FHIR workflow (``TRANSITIONS``). Check-in stamps the time;
    cancelling records the reason and whether it came late (inside the company's window); a
    cancelled or no-show appointment offers its time to the waitlist."""
    if status == S.CANCELLED:
        return appointment_cancel(actor=actor, appointment=appointment, reason=reason)
    with transaction.atomic():
        row = appointment_lock(appointment)
        if status == row.status:
            return row
        if status not in TRANSITIONS[row.status]:
            raise ValidationError({"status": f"A {row.get_status_display().lower()} appointment cannot become "
                                             f"{S(status).label.lower()}."})
        before = snapshot(row)
        row.status = status
        if status in (S.CHECKED_IN, S.ARRIVED) and row.checked_in_at is None:
            row.checked_in_at = timezone.now()
        row._history_user = actor
        _insert([row], time_zone=row.site.time_zone)
        verb = {S.CHECKED_IN: "check_in", S.ARRIVED: "arrive", S.FULFILLED: "fulfil", S.NOSHOW: "no_show",
                S.ENTERED_IN_ERROR: "mark_entered_in_error", S.BOOKED: "confirm", S.PENDING: "set_pending"}.get(
            status, "set_status")
        audit_log_record(company=row.company_id, actor=actor, action=f"appointment.{verb}", entity=row,
                         changes=model_changes(row, before))
        if status == S.NOSHOW:
            _offer_freed_time(row)
    return row


def appointment_check_in(*, actor, appointment) -> Appointment:
    return appointment_set_status(actor=actor, appointment=appointment, status=S.CHECKED_IN)


def _series_rows(appointment, scope):
    """The occurrences a change applies to: this one, this and the following, or the whole series
    (only those not yet ended or cancelled, so history is left as it was)."""
    if scope not in SCOPES:
        raise ValidationError({"scope": "Choose this appointment, this and following, or the whole series."})
    if scope == "one" or appointment.series_id is None:
        return [appointment]
    rows = Appointment.objects.for_company(appointment.company_id).filter(series_id=appointment.series_id)
    if scope == "following":
        rows = rows.filter(start__gte=appointment.start)
    rows = rows.exclude(status__in=[S.CANCELLED, S.ENTERED_IN_ERROR, S.FULFILLED, S.NOSHOW])
    return list(rows.order_by("start")) or [appointment]


def appointment_cancel(*, actor, appointment, reason: str, scope="one") -> list[Appointment]:
    """Cancel one appointment, this and the following of its series, or the whole series. Each
    occurrence is its own row, so one status change never touches the others unless asked.
    A cancellation inside the company's window (``late_cancellation_minutes``) is counted as late.
    The freed time is offered to matching waitlist entries (on commit)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    late_window = datetime.timedelta(minutes=scheduling_settings(appointment.company_id).late_cancellation_minutes)
    now = timezone.now()
    with transaction.atomic():
        targets = _series_rows(appointment, scope)
        locked = _lock(targets)
        changed = []
        for row in (locked[a.pk] for a in targets):
            if S.CANCELLED not in TRANSITIONS[row.status]:
                if scope == "one":
                    raise ValidationError({"status": f"A {row.get_status_display().lower()} appointment cannot be cancelled."})
                continue
            before = snapshot(row)
            row.status, row.cancellation_reason, row.cancelled_at = S.CANCELLED, reason[:300], now
            row.late_cancellation = row.start - now < late_window and row.start > now - datetime.timedelta(hours=12)
            row._history_user = actor
            row.save()
            audit_log_record(company=row.company_id, actor=actor, action="appointment.cancel", entity=row,
                             changes={**model_changes(row, before), "scope": scope})
            changed.append(row)
        for row in changed:
            if row.start > now:
                _offer_freed_time(row)
    return changed


def appointment_move(*, actor, appointment, start, practitioner=None, resource=None, scope="one",
                     overbook=False) -> list[Appointment]:
    """Move an appointment (or this and the following / the whole series) to ``start`` — for a
    series, each occurrence moves to the new local time of day on its own date shifted by the same
    number of days, in the site's time zone (so a move across a DST change keeps local time) —
    optionally to another practitioner or resource. All or nothing: any conflict refuses every move."""
    if start is None or timezone.is_naive(start):
        raise ValidationError({"start": "Give the new start as a date and time."})
    from zoneinfo import ZoneInfo

    with transaction.atomic():
        targets = _series_rows(appointment, scope)
        locked = _lock(targets)
        anchor = locked[appointment.pk]
        if anchor.status not in BLOCKING_STATUSES and anchor.status not in (S.PROPOSED, S.WAITLIST):
            raise ValidationError({"start": f"A {anchor.get_status_display().lower()} appointment cannot be moved."})
        zone = ZoneInfo(anchor.site.time_zone)
        new_local = start.astimezone(zone)
        day_shift = new_local.date() - anchor.start.astimezone(zone).date()
        if practitioner is not None or resource is not None:
            _check_parties(patient=anchor.patient, practitioner=practitioner or anchor.practitioner, site=anchor.site,
                           service_type=anchor.service_type, resource=resource or anchor.resource)
        rows, befores = [], {}
        for target in targets:
            row = locked[target.pk]
            befores[row.pk] = snapshot(row)
            duration = row.end - row.start
            if row.pk == anchor.pk:
                row.start = start
            else:
                local_day = row.start.astimezone(zone).date() + day_shift
                row.start = recurrence.localise(datetime.datetime.combine(local_day, new_local.time().replace(tzinfo=None)),
                                                anchor.site.time_zone)
            row.end = row.start + duration
            if practitioner is not None:
                row.practitioner = practitioner
            if resource is not None:
                row.resource = resource
            if overbook:
                row.overbooked = True
            row._history_user = actor
            rows.append(row)
        clashes = _clashes_for(rows, overbook=overbook, exclude_ids=[r.pk for r in rows])
        if clashes:
            dates = sorted({c_row.start.astimezone(zone).date() for c_row in rows
                            if any(_overlaps(c_row, c.appointment, c.rule) for c in clashes)}) if len(rows) > 1 else []
            raise AppointmentConflict(clashes, dates=dates, time_zone=anchor.site.time_zone)
        _insert(rows, overbook=overbook, time_zone=anchor.site.time_zone)
        for row in rows:
            audit_log_record(company=row.company_id, actor=actor, action="appointment.move", entity=row,
                             changes={**model_changes(row, befores[row.pk]), "scope": scope})
    return rows


def _overlaps(row, other, rule) -> bool:
    same = {"practitioner": row.practitioner_id == other.practitioner_id,
            "resource": row.resource_id is not None and row.resource_id == other.resource_id,
            "patient": row.patient_id == other.patient_id}[rule]
    return same and row.start < other.end and other.start < row.end


# ---------------------------------------------------------------- series
def series_create(*, actor, patient, practitioner, site, service_type, local_start, rrule, resource=None,
                  idempotency_key=None, note="") -> AppointmentSeries:
    """A recurring booking: ``rrule`` (RFC 5545: FREQ, INTERVAL, BYDAY, COUNT or UNTIL) is expanded
    from ``local_start`` (wall-clock time at the site) in the site's time zone, and every
    occurrence is written as its own Appointment row with the series and its original start.
    A clash anywhere refuses the whole series, listing every clashing date; nothing is written."""
    if local_start is None:
        raise ValidationError({"local_start": "Give the first date and time."})
    if timezone.is_aware(local_start):
        from zoneinfo import ZoneInfo

        local_start = local_start.astimezone(ZoneInfo(site.time_zone))
    local_start = local_start.replace(tzinfo=None)
    _check_parties(patient=patient, practitioner=practitioner, site=site, service_type=service_type, resource=resource)
    duration = datetime.timedelta(minutes=service_type.duration_minutes)
    occurrences = recurrence.expand(rrule, local_start, site.time_zone, duration)

    def create():
        series = AppointmentSeries(patient=patient, practitioner=practitioner, site=site, resource=resource,
                                   service_type=service_type, rrule=rrule.strip().upper().removeprefix("RRULE:"),
                                   local_start=recurrence.localise(local_start, site.time_zone),
                                   time_zone=site.time_zone,
                                   created_by=actor, idempotency_key=idempotency_key)
        series.company_id = site.company_id
        rows = []
        for start, end, _local in occurrences:
            chosen = resource
            if service_type.needs_resource and chosen is None:
                chosen = _pick_resource(site=site, service_type=service_type, start=start, end=end)
            rows.append(Appointment(patient=patient, practitioner=practitioner, site=site, resource=chosen,
                                    service_type=service_type, start=start, end=end, status=S.BOOKED,
                                    original_start=start, booked_by=actor, note=note, company_id=site.company_id))
        clashes = find_clashes(company_id=site.company_id, intervals=[(r.start, r.end) for r in rows],
                               practitioner=practitioner, patient=patient, resource=resource)
        missing_room = [r for r in rows if service_type.needs_resource and r.resource is None]
        if clashes or missing_room:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(site.time_zone)
            dates = sorted({r.start.astimezone(zone).date() for r in rows
                            if r in missing_room or any(_overlaps(r, c.appointment, c.rule) for c in clashes)})
            raise AppointmentConflict(clashes, dates=dates, time_zone=site.time_zone)
        series._history_user = actor
        series.save()
        for row in rows:
            row.series = series
            row._history_user = actor
        _insert(rows, time_zone=site.time_zone)
        audit_log_record(company=series.company_id, actor=actor, action="appointment_series.create", entity=series,
                         changes={**snapshot(series), "occurrences": len(rows)})
        return series

    with transaction.atomic():
        series, _created = replay_or_create(AppointmentSeries.objects.for_company(site.company_id),
                                            key_field="idempotency_key", key=idempotency_key, create=create)
    return series


# ---------------------------------------------------------------- waitlist
def waitlist_add(*, actor, patient, site, service_type, urgency=WaitlistEntry.Urgency.ROUTINE,
                 preferred_practitioners=(), free_times=(), note="") -> WaitlistEntry:
    """Put a patient on the site's waitlist (seed 003): the service, preferred practitioners, the
    times they are free ([{"weekday": 0–6, "start": "HH:MM", "end": "HH:MM"}], site local time)."""
    for name, row in (("patient", patient), ("service_type", service_type)):
        if row.company_id != site.company_id:
            raise ValidationError({name: "Not found in this organization."})
    for person in preferred_practitioners:
        if person.company_id != site.company_id:
            raise ValidationError({"preferred_practitioners": "Choose people of this organization."})
    times = _clean_free_times(free_times)
    with transaction.atomic():
        entry = WaitlistEntry(patient=patient, site=site, service_type=service_type, urgency=urgency,
                              free_times=times, note=note[:300], added_by=actor)
        entry.company_id = site.company_id
        entry.full_clean(exclude=["company"])
        entry._history_user = actor
        entry.save()
        entry.preferred_practitioners.set(preferred_practitioners)
        audit_log_record(company=entry.company_id, actor=actor, action="waitlist_entry.add", entity=entry,
                         changes={**snapshot(entry),
                                  "preferred_practitioners": sorted(str(p.pk) for p in preferred_practitioners)})
    return entry


def _clean_free_times(free_times) -> list[dict]:
    cleaned = []
    for item in free_times or ():
        try:
            weekday = int(item["weekday"])
            start = datetime.time.fromisoformat(str(item["start"]))
            end = datetime.time.fromisoformat(str(item["end"]))
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"free_times": 'Each free time is {"weekday": 0–6, "start": "HH:MM", "end": "HH:MM"}.'})
        if not 0 <= weekday <= 6 or end <= start:
            raise ValidationError({"free_times": "A free time is a weekday (0 = Monday) and a range that ends after it starts."})
        cleaned.append({"weekday": weekday, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
    return cleaned


def waitlist_remove(*, actor, entry, reason="") -> WaitlistEntry:
    with transaction.atomic():
        before = snapshot(entry)
        entry.state = WaitlistEntry.State.REMOVED
        entry._history_user = actor
        entry.save()
        audit_log_record(company=entry.company_id, actor=actor, action="waitlist_entry.remove", entity=entry,
                         changes={**model_changes(entry, before), "reason": reason})
    return entry


def _offer_freed_time(appointment) -> None:
    from apps.scheduling import tasks

    dispatch(tasks.offer_waitlist, company_id=str(appointment.company_id), appointment_id=str(appointment.pk))


def waitlist_accept(*, actor, entry, practitioner, start, idempotency_key=None) -> Appointment:
    """The patient (signed link) or staff take the offered time: booked through ``appointment_book``;
    a time taken meanwhile is an AppointmentConflict and the entry stays on the list."""
    with transaction.atomic():
        locked = WaitlistEntry.objects.for_company(entry.company_id).select_for_update(of=("self",)).select_related(
            "patient", "site", "service_type").get(pk=entry.pk)
        if locked.state == WaitlistEntry.State.BOOKED and locked.booked_appointment_id:
            return locked.booked_appointment
        if locked.state == WaitlistEntry.State.REMOVED:
            raise ValidationError("This waitlist entry was closed.")
        appointment = appointment_book(actor=actor, patient=locked.patient, practitioner=practitioner,
                                       site=locked.site, service_type=locked.service_type, start=start,
                                       idempotency_key=idempotency_key, booked_online=actor is None)
        before = snapshot(locked)
        locked.state, locked.booked_appointment = WaitlistEntry.State.BOOKED, appointment
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="waitlist_entry.book", entity=locked,
                         changes=model_changes(locked, before))
    return appointment


# ---------------------------------------------------------------- reminders: patient preferences
def contact_preference_set(*, actor, patient, email_reminders: bool, sms_reminders: bool) -> PatientContactPreference:
    with transaction.atomic():
        row = PatientContactPreference.objects.for_company(patient.company_id).select_for_update().filter(
            patient=patient).first()
        before = snapshot(row) if row else {}
        row = row or PatientContactPreference(patient=patient, company_id=patient.company_id)
        row.email_reminders, row.sms_reminders = bool(email_reminders), bool(sms_reminders)
        row._history_user = actor
        row.save()
        audit_log_record(company=row.company_id, actor=actor, action="contact_preference.update", entity=row,
                         changes=model_changes(row, before))
    return row


# ---------------------------------------------------------------- self-booking
def booking_request_create(*, site, service_type, practitioner, start, first_name, last_name, date_of_birth,
                           email, phone="") -> BookingRequest:
    """A member of the public asked for a free slot on the booking page: nothing is booked yet; a
    signed single-use link is e-mailed (on commit). The slot must be free, bookable online and
    past the company's minimum notice."""
    from apps.scheduling import availability, tasks

    if not (service_type.bookable_online and service_type.active) or service_type.company_id != site.company_id:
        raise ValidationError({"service_type": "This service cannot be booked online."})
    if not availability.is_free_slot(site=site, service_type=service_type, practitioner=practitioner, start=start,
                                     public=True):
        raise ValidationError({"start": "That time is no longer free; choose another."})
    with transaction.atomic():
        row = BookingRequest(site=site, service_type=service_type, practitioner=practitioner, start=start,
                             first_name=first_name.strip(), last_name=last_name.strip(), date_of_birth=date_of_birth,
                             email=email.strip().lower(), phone=phone.strip())
        row.company_id = site.company_id
        row.full_clean(exclude=["company"])
        row.save()
        audit_log_record(company=row.company_id, actor=None, action="booking_request.create", entity=row,
                         changes={"start": start.isoformat(), "service_type": str(service_type.pk)})
        dispatch(tasks.send_booking_confirmation, company_id=str(row.company_id), request_id=str(row.pk))
    return row


def _patient_for_request(request_row):
    """The patient a confirmed request is for: the one registered with that name and birth date
    (the one with that e-mail first), or a new registration at the site (clinical's service)."""
    from apps.clinical.models import Patient
    from apps.clinical.services.patients import patient_create

    matches = list(Patient.objects.for_company(request_row.company_id).filter(
        first_name__iexact=request_row.first_name, last_name__iexact=request_row.last_name,
        date_of_birth=request_row.date_of_birth).order_by("created_at"))
    for patient in matches:
        if patient.email.lower() == request_row.email:
            return patient
    if matches:
        return matches[0]
    return patient_create(actor=None, site=request_row.site, data={
        "first_name": request_row.first_name, "last_name": request_row.last_name,
        "date_of_birth": request_row.date_of_birth, "email": request_row.email, "phone": request_row.phone})


def booking_request_confirm(*, request_row) -> Appointment:
    """The patient opened the signed link and confirmed: book through ``appointment_book`` (same
    rules, same constraints). Single use: a confirmed request returns its appointment; a slot taken
    meanwhile marks the request failed and raises AppointmentConflict."""
    conflict = None
    with transaction.atomic():
        row = BookingRequest.objects.for_company(request_row.company_id).select_for_update(of=("self",)).select_related(
            "site", "service_type", "practitioner").get(pk=request_row.pk)
        if row.state == BookingRequest.State.CONFIRMED and row.appointment_id:
            return row.appointment
        if row.state != BookingRequest.State.AWAITING:
            raise ValidationError("This link was already used or has expired.")
        if row.start <= timezone.now():
            raise ValidationError("This time has passed.")
        try:
            with transaction.atomic():
                patient = _patient_for_request(row)
                appointment = appointment_book(actor=None, patient=patient, practitioner=row.practitioner,
                                               site=row.site, service_type=row.service_type, start=row.start,
                                               booked_online=True, note="Booked online")
        except AppointmentConflict as error:
            conflict = error
            row.state = BookingRequest.State.FAILED
            row.save()
            audit_log_record(company=row.company_id, actor=None, action="booking_request.fail", entity=row)
        else:
            row.state, row.appointment, row.confirmed_at = BookingRequest.State.CONFIRMED, appointment, timezone.now()
            row.save()
            audit_log_record(company=row.company_id, actor=None, action="booking_request.confirm", entity=row,
                             changes={"appointment": str(appointment.pk)})
    if conflict is not None:
        raise conflict
    return appointment


# ---------------------------------------------------------------- calendar feeds
def practitioner_feed_create(*, actor) -> PractitionerFeed:
    with transaction.atomic():
        feed = PractitionerFeed(owner=actor, token=secrets.token_urlsafe(32))
        feed.company_id = actor.company_id
        feed._history_user = actor
        feed.save()
        audit_log_record(company=feed.company_id, actor=actor, action="practitioner_feed.create", entity=feed)
    return feed


def practitioner_feed_revoke(*, actor, feed) -> PractitionerFeed:
    with transaction.atomic():
        feed.revoked_at = timezone.now()
        feed._history_user = actor
        feed.save()
        audit_log_record(company=feed.company_id, actor=actor, action="practitioner_feed.revoke", entity=feed)
    return feed
