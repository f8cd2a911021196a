"""The appointment book: service types, practitioners' availability, appointments (with their
recurring series written out as rows), the waitlist, reminders, self-booking requests and
calendar feeds.

No double booking is a rule of the database: three exclusion constraints over the half-open range
``[start, end)`` of the *blocking* statuses (one practitioner — unless the booking is an explicit,
audited overbook —, one room/equipment, one patient). Back-to-back appointments do not overlap.
"""

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = [
    "Appointment", "AppointmentSeries", "AppointmentStatus", "AvailabilityOverride", "BookingRequest",
    "PatientContactPreference", "PractitionerFeed", "Reminder", "SchedulingSettings", "ServiceType",
    "TimeOff", "WaitlistEntry", "WeeklyAvailability", "BLOCKING_STATUSES", "HalfOpenRange",
]


class HalfOpenRange(Func):
    """tstzrange(start, end, '[)'): an appointment ending at 10:00 does not overlap one starting at 10:00."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, models.Value("[)"))


class AppointmentStatus(models.TextChoices):
    """FHIR R4 Appointment.status (http://hl7.org/fhir/R4/valueset-appointmentstatus.html)."""

    PROPOSED = "proposed", "Proposed"
    PENDING = "pending", "Pending"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    NOSHOW = "noshow", "No show"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"
    CHECKED_IN = "checked-in", "Checked in"
    WAITLIST = "waitlist", "Waitlist"


# The statuses that hold the time: a cancelled, no-show, erroneous, proposed or waitlisted
# appointment frees it. Fulfilled ones keep it (the practitioner was busy then).
BLOCKING_STATUSES = (
    AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
    AppointmentStatus.CHECKED_IN, AppointmentStatus.FULFILLED,
)
_BLOCKING = [str(status) for status in BLOCKING_STATUSES]

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #1f77b4.")


class SchedulingSettings(TenantModel, TimestampedModel):
    """Per company: reminder lead times, the self-booking minimum notice, what counts as late."""

    reminder_leads_minutes = models.JSONField(
        default=list, blank=True, help_text="Minutes before the start, e.g. [2880, 120] for 48 h and 2 h")
    self_booking_min_notice_minutes = models.PositiveIntegerField(default=24 * 60)
    self_booking_horizon_days = models.PositiveSmallIntegerField(default=30)
    late_cancellation_minutes = models.PositiveIntegerField(default=24 * 60)
    slot_step_minutes = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(5),
                                                                                 MaxValueValidator(120)])
    history = HistoricalRecords()

    DEFAULT_LEADS = (48 * 60, 2 * 60)

    class Meta:
        verbose_name_plural = "scheduling settings"
        constraints = [models.UniqueConstraint(fields=["company"], name="scheduling_settings_one_per_company")]

    def __str__(self):
        return f"Scheduling settings of {self.company_id}"

    @property
    def leads(self) -> list[int]:
        return sorted({int(m) for m in (self.reminder_leads_minutes or self.DEFAULT_LEADS)}, reverse=True)


class ServiceType(TenantModel, TimestampedModel):
    """What can be booked (seed 003): a duration, a price, a colour, who offers it, where, and
    whether it needs a room or a piece of equipment."""

    name = models.CharField(max_length=120)
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(600)])
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    colour = models.CharField(max_length=7, default="#3b82f6", validators=[colour_validator])
    active = models.BooleanField(default=True)
    bookable_online = models.BooleanField(default=False)
    needs_resource = models.BooleanField(default=False)
    resource_kind = models.CharField(max_length=20, blank=True,
                                     choices=[("room", "Room"), ("equipment", "Equipment")],
                                     help_text="Which kind of resource a booking needs (when it needs one)")
    practitioners = models.ManyToManyField("tenants.User", blank=True, related_name="service_types")
    sites = models.ManyToManyField("tenants.Site", blank=True, related_name="service_types")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="service_type_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_type_price_not_negative"),
            models.CheckConstraint(condition=Q(needs_resource=False) | ~Q(resource_kind=""),
                                   name="service_type_resource_kind_when_needed"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- availability
class WeeklyAvailability(TenantModel, TimestampedModel):
    """One working range of a practitioner at a site on a weekday (several rows make several
    ranges a day), in the site's local time, valid between two optional dates."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    company_from = "site"
    practitioner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="weekly_availability")
    site = models.ForeignKey("tenants.Site", on_delete=models.CASCADE, related_name="weekly_availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="weekly_availability_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_availability_weekday"),
        ]
        indexes = [models.Index(fields=["site", "practitioner", "weekday"], name="weekly_avail_lookup")]

    def __str__(self):
        return f"{self.practitioner} {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class AvailabilityOverride(TenantModel, TimestampedModel):
    """A date whose hours differ from the weekly pattern. The override rows of a date replace that
    date's weekly ranges; a row with ``unavailable`` set (no times) closes the whole day."""

    company_from = "site"
    practitioner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="availability_overrides")
    site = models.ForeignKey("tenants.Site", on_delete=models.CASCADE, related_name="availability_overrides")
    date = models.DateField()
    unavailable = models.BooleanField(default=False)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unavailable=True, start_time__isnull=True, end_time__isnull=True)
                           | Q(unavailable=False, start_time__isnull=False, end_time__gt=F("start_time"))),
                name="availability_override_shape"),
        ]
        indexes = [models.Index(fields=["site", "practitioner", "date"], name="avail_override_lookup")]

    def __str__(self):
        return f"{self.practitioner} {self.date}"


class TimeOff(TenantModel, TimestampedModel):
    """A practitioner away (leave, a course): no slots in ``[start, end)`` at any site."""

    company_from = "practitioner"
    practitioner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_end_after_start")]

    def __str__(self):
        return f"{self.practitioner} away {self.start:%Y-%m-%d}"


# ---------------------------------------------------------------- appointments
class AppointmentSeries(TenantModel, TimestampedModel):
    """A recurring booking: an RFC 5545 RRULE expanded in the site's time zone from a local
    first start. Its occurrences are Appointment rows (``series``, ``original_start``)."""

    company_from = "site"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="appointment_series")
    practitioner = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="appointment_series")
    resource = models.ForeignKey("tenants.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="series")
    rrule = models.CharField("RRULE", max_length=300, help_text="e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=8")
    local_start = models.DateTimeField(help_text="The first start; the rule is expanded from its wall-clock time "
                                                 "in time_zone")
    time_zone = models.CharField(max_length=64)
    created_by = models.ForeignKey("tenants.User", null=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "appointment series"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["company", "idempotency_key"], name="series_unique_key")]

    def __str__(self):
        return f"{self.service_type} {self.rrule}"


class Appointment(TenantModel, TimestampedModel):
    """One booking. ``start``/``end`` are UTC instants, shown in the site's time zone."""

    Status = AppointmentStatus
    access_logged = True  # who booked whom, when: patient data

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company_from = "site"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="appointments")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="appointments")
    resource = models.ForeignKey("tenants.Resource", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appointments")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    series = models.ForeignKey(AppointmentSeries, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="occurrences")
    original_start = models.DateTimeField(null=True, blank=True,
                                          help_text="Where the series put this occurrence (before any move)")
    overbooked = models.BooleanField(default=False, help_text="Booked on purpose over the practitioner's other appointment")
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    booked_online = models.BooleanField(default=False)
    visit = models.ForeignKey("clinical.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_end_after_start"),
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="appointment_unique_key"),
            ExclusionConstraint(
                name="appointment_no_practitioner_overlap",
                expressions=[("practitioner", RangeOperators.EQUAL),
                             (HalfOpenRange("start", "end"), RangeOperators.OVERLAPS)],
                condition=Q(status__in=_BLOCKING, overbooked=False),
            ),
            ExclusionConstraint(
                name="appointment_no_resource_overlap",
                expressions=[("resource", RangeOperators.EQUAL),
                             (HalfOpenRange("start", "end"), RangeOperators.OVERLAPS)],
                condition=Q(status__in=_BLOCKING, resource__isnull=False),
            ),
            ExclusionConstraint(
                name="appointment_no_patient_overlap",
                expressions=[("patient", RangeOperators.EQUAL),
                             (HalfOpenRange("start", "end"), RangeOperators.OVERLAPS)],
                condition=Q(status__in=_BLOCKING),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "start"], name="appointment_site_start"),
            models.Index(fields=["practitioner", "start"], name="appointment_practitioner_start"),
            models.Index(fields=["patient", "start"], name="appointment_patient_start"),
            models.Index(fields=["company", "status", "start"], name="appointment_status_start"),
            # A patient's no-shows and cancellations (the day view's attendance counts, one lookup
            # per appointment shown): only those rows, so the lookup stays an index probe.
            models.Index(fields=["company", "patient"], name="appointment_attendance",
                         condition=Q(status__in=[AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED])),
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M} {self.service_type_id and self.service_type}"

    @property
    def is_blocking(self) -> bool:
        return self.status in BLOCKING_STATUSES


# ---------------------------------------------------------------- waitlist
class WaitlistEntry(TenantModel, TimestampedModel):
    """A patient waiting for an earlier or any appointment (seed 003)."""

    class Urgency(models.IntegerChoices):
        ROUTINE = 1, "Routine"
        SOON = 2, "Soon"
        URGENT = 3, "Urgent"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered"
        BOOKED = "booked", "Booked"
        REMOVED = "removed", "Removed"

    company_from = "site"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="waitlist_entries")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="waitlist_entries")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="waitlist_entries")
    preferred_practitioners = models.ManyToManyField("tenants.User", blank=True, related_name="+")
    # [{"weekday": 0-6, "start": "HH:MM", "end": "HH:MM"}, …] in the site's local time; [] = any time
    free_times = models.JSONField(default=list, blank=True)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.ROUTINE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    note = models.CharField(max_length=300, blank=True)
    offered_appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="waitlist_offers")
    offered_at = models.DateTimeField(null=True, blank=True)
    booked_appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    added_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-urgency", "created_at"]
        verbose_name_plural = "waitlist entries"
        indexes = [models.Index(fields=["site", "state"], name="waitlist_site_state")]

    def __str__(self):
        return f"Waitlist: {self.service_type} ({self.get_urgency_display()})"


# ---------------------------------------------------------------- reminders
class PatientContactPreference(TenantModel, TimestampedModel):
    """How a patient wants appointment reminders (clinical's Patient has no such fields).
    No row = e-mail and SMS, where an address/number is on file."""

    company_from = "patient"
    patient = models.OneToOneField("clinical.Patient", on_delete=models.CASCADE, related_name="contact_preference")
    email_reminders = models.BooleanField(default=True)
    sms_reminders = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"Reminder preferences of {self.patient_id}"


class Reminder(TenantModel, TimestampedModel):
    """One reminder of one appointment, at one lead time, on one channel: the unique key makes
    each one sent exactly once whatever beat or the worker retries."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"

    company_from = "appointment"
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    lead_minutes = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appointment", "lead_minutes", "channel"],
                                               name="reminder_once_per_lead_and_channel")]

    def __str__(self):
        return f"{self.channel} reminder {self.lead_minutes} min before {self.appointment_id}"


# ---------------------------------------------------------------- self-booking
class BookingRequest(TenantModel, TimestampedModel):
    """A slot a member of the public asked for on the booking page. Nothing is booked until they
    open the signed, single-use link e-mailed to them; then ``appointment_book`` runs."""

    class State(models.TextChoices):
        AWAITING = "awaiting", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        FAILED = "failed", "Slot taken"
        EXPIRED = "expired", "Expired"

    company_from = "site"
    site = models.ForeignKey("tenants.Site", on_delete=models.CASCADE, related_name="booking_requests")
    service_type = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="booking_requests")
    practitioner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"Booking request {self.start:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- calendar feeds
class PractitionerFeed(TenantModel, TimestampedModel):
    """A practitioner's secret, revocable iCal link (like academics' rotation feeds)."""

    company_from = "owner"
    owner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="appointment_feeds")
    token = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token"])

    def __str__(self):
        return f"Appointment feed of {self.owner_id}"
