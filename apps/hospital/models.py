"""The hospital floor: wards and beds, admissions with bed assignments, drafts that a person must
approve, lab orders and results, prescriptions with dispenses and the MAR, and the stock ledger.

Rules about data live here as constraints as well as in the services:
- one patient per bed and one bed per patient at a time (exclusion constraints over the
  assignment's time range; an open assignment's end is NULL = infinity);
- one open admission per patient;
- a given dose blocks its prescription's minimum interval (exclusion constraint over
  ``[given_at, blocks_until)`` of the given doses);
- a stock move's running balances (item and lot) are never negative (check constraints).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Func, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel


class TsTzRange(Func):
    """tstzrange(start, end, '[)') — a NULL end is an open range (until further notice)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def lab_report_storage():
    """Lab report PDFs: ``STORAGES["lab_reports"]`` (local disk in the demo, S3 in production; docs/hospital.md)."""
    return storages["lab_reports"]


# ------------------------------------------------------------------ wards and beds
class Ward(TenantModel, TimestampedModel):
    access_logged = True  # FHIR Location reads are in the access log
    company_from = "site"
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(max_length=100)
    floor = models.CharField(max_length=20, blank=True)
    speciality = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "site", "name"], name="ward_unique_name")]

    def __str__(self):
        return self.name


class Bed(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        OCCUPIED = "occupied", "Occupied"
        CLEANING = "cleaning", "Cleaning"
        MAINTENANCE = "maintenance", "Maintenance"
        RESERVED = "reserved", "Reserved"

    access_logged = True
    company_from = "ward"
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["company", "ward", "label"], name="bed_unique_label")]

    def __str__(self):
        return f"{self.ward.name} {self.label}"


# ------------------------------------------------------------------ drafts (approval workflow)
class Draft(TenantModel, TimestampedModel):
    """A document that a person must approve before it counts (seed 002's approval workflow).
    Leaves ``draft`` only through ``services.draft_approve``/``draft_reject`` by someone holding
    ``document.approve`` at the draft's site who is not its author."""

    class Kind(models.TextChoices):
        DISCHARGE_SUMMARY = "discharge_summary", "Discharge summary"
        TRANSFER_NOTE = "transfer_note", "Transfer note"
        LAB_REPORT = "lab_report", "Lab report"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    company_from = "site"
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("clinical.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewer = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(reviewer__isnull=False) & Q(reviewed_at__isnull=False)),
                name="draft_decided_by_a_reviewer"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="draft_rejection_reason"),
            models.CheckConstraint(condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("author")),
                                   name="draft_not_self_approved"),
        ]

    def __str__(self):
        return self.title


# ------------------------------------------------------------------ admissions
class Admission(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        ADMITTED = "admitted", "Admitted"
        DISCHARGED = "discharged", "Discharged"

    class Disposition(models.TextChoices):
        HOME = "home", "Home"
        TRANSFER = "transfer", "Transferred to another facility"
        CARE_HOME = "care_home", "Care home"
        AGAINST_ADVICE = "against_advice", "Left against medical advice"
        DIED = "died", "Died"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    admitting_practitioner = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ADMITTED)
    discharged_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    discharge_summary = models.OneToOneField(Draft, null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="admission")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-admitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["patient"], condition=Q(status="admitted"),
                                    name="admission_one_open_per_patient"),
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="admission_unique_key"),
            models.CheckConstraint(condition=Q(status="admitted") | Q(discharged_at__isnull=False),
                                   name="admission_discharged_has_time"),
        ]
        indexes = [models.Index(fields=["company", "site", "status"], name="admission_site_status")]

    def __str__(self):
        return f"{self.patient} ({self.admitted_at:%Y-%m-%d})"

    @property
    def disposition_or_none(self):
        return self.disposition or None


class BedAssignment(TenantModel, TimestampedModel):
    """A patient in a bed from ``start`` until ``end`` (NULL: still there). Transfers close one
    assignment and open the next, so the bed history is these rows."""

    company_from = "admission"
    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="assignments")
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+")
    bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="assignments")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="bed_assignment_ends_after_start"),
            ExclusionConstraint(name="bed_one_patient_at_a_time", expressions=[
                ("bed", RangeOperators.EQUAL),
                (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS)]),
            ExclusionConstraint(name="patient_one_bed_at_a_time", expressions=[
                ("patient", RangeOperators.EQUAL),
                (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS)]),
        ]
        indexes = [models.Index(fields=["bed", "end"], name="bed_assignment_open")]


# ------------------------------------------------------------------ lab
class LabTest(TenantModel, TimestampedModel):
    """One analyte of the company's catalog. ``loinc_code`` stays blank unless taken from LOINC itself."""

    name = models.CharField(max_length=150)
    loinc_code = models.CharField("LOINC code", max_length=20, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    specimen = models.CharField(max_length=50, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="lab_test_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name


class ReferenceRange(TenantModel, TimestampedModel):
    """Normal and critical limits of a test, optionally for one sex and an age band [min, max) in years."""

    company_from = "test"
    test = models.ForeignKey(LabTest, on_delete=models.CASCADE, related_name="ranges")
    sex = models.CharField(max_length=10, blank=True, help_text="blank: any sex")
    age_min_years = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max_years = models.PositiveSmallIntegerField(null=True, blank=True)
    low_normal = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    high_normal = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    low_critical = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    high_critical = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["test", "sex", "age_min_years"]
        constraints = [
            models.CheckConstraint(condition=Q(low_normal__isnull=True) | Q(high_normal__isnull=True)
                                   | Q(low_normal__lte=F("high_normal")), name="range_normal_ordered"),
            models.CheckConstraint(condition=Q(low_critical__isnull=True) | Q(low_normal__isnull=True)
                                   | Q(low_critical__lte=F("low_normal")), name="range_low_critical_below"),
            models.CheckConstraint(condition=Q(high_critical__isnull=True) | Q(high_normal__isnull=True)
                                   | Q(high_critical__gte=F("high_normal")), name="range_high_critical_above"),
        ]


class LabOrder(TenantModel, TimestampedModel):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"
        STAT = "stat", "STAT"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Rejected"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    admission = models.ForeignKey(Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="lab_orders")
    ordered_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    ordered_at = models.DateTimeField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    clinical_note = models.CharField(max_length=500, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    specimen_collected_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    report_file = models.FileField(upload_to="lab-reports/%Y/%m/", storage=lab_report_storage, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ordered_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="lab_order_unique_key"),
            models.CheckConstraint(condition=~Q(status__in=["cancelled", "rejected"]) | ~Q(status_reason=""),
                                   name="lab_order_reason_when_stopped"),
        ]
        indexes = [models.Index(fields=["company", "site", "status"], name="lab_order_queue")]

    def __str__(self):
        return f"Lab order {str(self.pk)[:8]} ({self.get_status_display()})"


class LabResult(TenantModel, TimestampedModel):
    """One ordered test and, once resulted, its value flagged against the matching reference range."""

    class Flag(models.TextChoices):
        NORMAL = "normal", "Normal"
        LOW = "low", "Low"
        HIGH = "high", "High"
        CRITICAL_LOW = "critical-low", "Critical low"
        CRITICAL_HIGH = "critical-high", "Critical high"

    company_from = "order"
    order = models.ForeignKey(LabOrder, on_delete=models.CASCADE, related_name="results")
    test = models.ForeignKey(LabTest, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    flag = models.CharField(max_length=14, choices=Flag.choices, blank=True)
    reference_text = models.CharField(max_length=100, blank=True)
    resulted_at = models.DateTimeField(null=True, blank=True)
    resulted_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["test__name"]
        constraints = [models.UniqueConstraint(fields=["order", "test"], name="lab_result_one_per_test")]
        indexes = [models.Index(fields=["company", "flag", "acknowledged_at"], name="lab_result_critical")]

    @property
    def flag_or_none(self):
        return self.flag or None

    @property
    def is_critical(self) -> bool:
        return self.flag in (self.Flag.CRITICAL_LOW, self.Flag.CRITICAL_HIGH)


# ------------------------------------------------------------------ inventory
class InventoryItem(TenantModel, TimestampedModel):
    class Kind(models.TextChoices):
        MEDICATION = "medication", "Medication"
        SUPPLY = "supply", "Supply"
        REAGENT = "reagent", "Reagent"

    company_from = "site"
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.CharField(max_length=30)
    reorder_threshold = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The sum of the item's moves, kept by the services under the item's row lock (the ledger is the truth).
    level = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "site", "name"], name="inventory_item_unique_name"),
            models.CheckConstraint(condition=Q(level__gte=0), name="inventory_item_level_not_negative"),
        ]

    def __str__(self):
        return self.name


class StockLot(TenantModel, TimestampedModel):
    company_from = "item"
    item = models.ForeignKey(InventoryItem, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=50)
    expiry_date = models.DateField(null=True, blank=True)
    level = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["expiry_date", "lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "item", "lot_number"], name="stock_lot_unique"),
            models.CheckConstraint(condition=Q(level__gte=0), name="stock_lot_level_not_negative"),
        ]

    def __str__(self):
        return f"{self.lot_number} (exp. {self.expiry_date})" if self.expiry_date else self.lot_number


class StockMove(TenantModel, TimestampedModel):
    """One line of the ledger (append-only): ``quantity`` is signed; the balances after it are stored
    and checked non-negative by the database."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", "Receive"
        DISPENSE = "dispense", "Dispense"
        ADJUST = "adjust", "Adjust"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        TRANSFER_IN = "transfer_in", "Transfer in"

    company_from = "item"
    item = models.ForeignKey(InventoryItem, on_delete=models.PROTECT, related_name="moves")
    lot = models.ForeignKey(StockLot, null=True, blank=True, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    item_balance = models.DecimalField(max_digits=14, decimal_places=2)
    lot_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["moved_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
            models.CheckConstraint(condition=Q(item_balance__gte=0), name="stock_move_item_balance_not_negative"),
            models.CheckConstraint(condition=Q(lot_balance__isnull=True) | Q(lot_balance__gte=0),
                                   name="stock_move_lot_balance_not_negative"),
            models.CheckConstraint(condition=~Q(kind="adjust") | ~Q(reason=""), name="stock_move_adjust_reason"),
        ]


# ------------------------------------------------------------------ prescriptions, dispenses, the MAR
class Prescription(TenantModel, TimestampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on-hold", "On hold"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"
        ENTERED_IN_ERROR = "entered-in-error", "Entered in error"

    company_from = "patient"
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+")
    admission = models.ForeignKey(Admission, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="prescriptions")
    medication = models.CharField(max_length=200)
    strength = models.CharField(max_length=50, blank=True)
    form = models.CharField(max_length=50, blank=True)
    dose = models.DecimalField(max_digits=10, decimal_places=3)
    dose_unit = models.CharField(max_length=20)
    route = models.CharField(max_length=30)
    frequency = models.CharField(max_length=10)  # a code of apps.hospital.frequencies
    as_needed = models.BooleanField(default=False)
    as_needed_condition = models.CharField(max_length=200, blank=True)
    duration_days = models.PositiveSmallIntegerField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    refills = models.PositiveSmallIntegerField(default=0)
    prescriber = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(max_length=300, blank=True)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField(null=True, blank=True)
    inventory_item = models.ForeignKey(InventoryItem, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    allergy_warning = models.CharField(max_length=300, blank=True, editable=False,
                                       help_text="The chart allergies the prescriber acknowledged")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="prescription_unique_key"),
            models.CheckConstraint(condition=Q(dose__gt=0), name="prescription_dose_positive"),
            models.CheckConstraint(condition=Q(as_needed=False) | ~Q(as_needed_condition=""),
                                   name="prescription_prn_condition"),
        ]
        indexes = [models.Index(fields=["company", "patient", "status"], name="prescription_patient")]

    def __str__(self):
        return " ".join(p for p in (self.medication, self.strength, self.form) if p)

    @property
    def dose_text(self) -> str:
        return f"{self.dose.normalize():f} {self.dose_unit} {self.route} {self.frequency}"


class Dispense(TenantModel, TimestampedModel):
    company_from = "prescription"
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="dispenses")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    dispensed_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+")
    dispensed_at = models.DateTimeField()
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, related_name="dispense")
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-dispensed_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="dispense_unique_key"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="dispense_quantity_positive"),
        ]


class Dose(TenantModel, TimestampedModel):
    """A line of the MAR: a scheduled dose (``due_at``) or an as-needed one (``due_at`` NULL), and what
    became of it. A given dose blocks ``[given_at, blocks_until)`` for its prescription: a second
    given dose inside that interval is refused by the service and by the database."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        GIVEN = "given", "Given"
        HELD = "held", "Held"
        REFUSED = "refused", "Refused"
        MISSED = "missed", "Missed"

    company_from = "prescription"
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="doses")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    given_at = models.DateTimeField(null=True, blank=True)
    blocks_until = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["prescription", "due_at"], name="dose_one_per_due_time"),
            models.CheckConstraint(condition=~Q(status="given") | (Q(given_at__isnull=False)
                                                                  & Q(blocks_until__gt=F("given_at"))),
                                   name="dose_given_has_time"),
            models.CheckConstraint(condition=~Q(status__in=["held", "refused"]) | ~Q(reason=""),
                                   name="dose_reason_when_not_given"),
            ExclusionConstraint(name="dose_not_given_twice_in_interval", expressions=[
                ("prescription", RangeOperators.EQUAL),
                (TsTzRange("given_at", "blocks_until", RangeBoundary()), RangeOperators.OVERLAPS)],
                condition=Q(status="given")),
        ]
        indexes = [models.Index(fields=["company", "due_at"], name="dose_due")]
