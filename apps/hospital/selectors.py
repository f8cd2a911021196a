"""Reads of the hospital floor: scoped querysets and page data with a fixed number of queries."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Func,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils import timezone

from apps.core.prepared import prepared
from apps.hospital.models import (
    Admission,
    Bed,
    BedAssignment,
    Dose,
    Draft,
    InventoryItem,
    LabOrder,
    LabResult,
    Prescription,
    StockLot,
    Ward,
)

SHIFTS = {"day": (7, 19), "night": (19, 31)}  # local hours [start, end) — the night runs to 07:00 next day
OVERDUE_HOURS = 12  # the previous shift's unrecorded doses stay on the MAR as overdue


def wards_at(*, site):
    return Ward.objects.for_company(site.company_id).filter(site=site, is_active=True).order_by("name")


def bed_board(*, site) -> list[dict]:
    """Every ward of the site with its beds and, for an occupied bed, the patient and admission: three queries."""
    open_assignments = BedAssignment.objects.for_company(site.company_id).filter(end__isnull=True).select_related(
        "patient")
    beds = Bed.objects.for_company(site.company_id).order_by("label").prefetch_related(
        Prefetch("assignments", queryset=open_assignments, to_attr="open_assignments"))
    wards = list(wards_at(site=site).prefetch_related(Prefetch("beds", queryset=beds)))
    board = []
    for ward in wards:
        rows = []
        counts = dict.fromkeys(Bed.Status.values, 0)
        for bed in ward.beds.all():
            counts[bed.status] += 1
            assignment = bed.open_assignments[0] if bed.open_assignments else None
            rows.append({"bed": bed, "assignment": assignment})
        board.append({"ward": ward, "beds": rows, "counts": counts, "total": len(rows)})
    return board


class EpochSeconds(Func):
    """A timestamptz as whole seconds since 1970-01-01 UTC (rounded down): the MAR and the bed board
    compare and format their times as integers instead of loading each as a datetime with its time
    zone (psycopg's loader was most of the cost of reading a MAR row)."""

    template = "floor(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
    output_field = BigIntegerField()
    convert_value = staticmethod(Func._convert_value_noop)  # psycopg returns an int already


def _text(name):
    """A uuid column read as its text: the pages only write ids into links and attributes, and
    psycopg's uuid loader plus ``str()`` of a few hundred ids per page cost more than the rest of a row."""
    return Cast(name, output_field=CharField())


BOARD_COLUMNS = ("name", "floor", "speciality", "beds__label", "beds__status", "stay__patient__first_name",
                 "stay__patient__last_name", "stay__patient__mrn")

_board_rows = prepared(lambda company_id, site_id: Ward.objects.for_company(company_id)
                       .filter(site_id=site_id, is_active=True)
                       .annotate(stay=FilteredRelation("beds__assignments",
                                                       condition=Q(beds__assignments__end__isnull=True)))
                       .order_by("name", "id", "beds__label", "beds__id")
                       .values(*BOARD_COLUMNS, ward_id=_text("id"), bed_id=_text("beds__id"),
                               admission=_text("stay__admission_id"), pid=_text("stay__patient_id"),
                               start_s=EpochSeconds("stay__start")))


def bed_board_page(*, site) -> list[dict]:
    """The bed board page's rows in ONE prepared query (``apps.core.prepared``), whatever the number
    of beds: every active ward of the site (also one without beds) LEFT JOIN its beds LEFT JOIN the
    bed's open assignment and its patient, only the columns shown. Each ward: ``{"id", "name", "floor",
    "speciality", "counts", "total", "beds": [(bed id, label, status, stay or None)]}``, a stay being
    ``{"admission_id", "start_s", "patient_id", "first_name", "last_name", "mrn"}``: ids as text, the
    stay's start in whole seconds since the epoch. (``bed_board`` is the API's, with model rows.)"""
    board, ward = [], None
    for row in _board_rows(company_id=site.company_id, site_id=site.pk):
        if ward is None or ward["id"] != row["ward_id"]:
            ward = {"id": row["ward_id"], "name": row["name"], "floor": row["floor"], "speciality": row["speciality"],
                    "counts": dict.fromkeys(Bed.Status.values, 0), "total": 0, "beds": []}
            board.append(ward)
        bed_id = row["bed_id"]
        if bed_id is None:  # a ward without beds
            continue
        status = row["beds__status"]
        ward["counts"][status] += 1
        ward["total"] += 1
        stay = None if row["admission"] is None else {
            "admission_id": row["admission"], "start_s": row["start_s"], "patient_id": row["pid"],
            "first_name": row["stay__patient__first_name"], "last_name": row["stay__patient__last_name"],
            "mrn": row["stay__patient__mrn"]}
        ward["beds"].append((bed_id, row["beds__label"], status, stay))
    return board


def shift_window(*, site, day: datetime.date, shift: str) -> tuple[datetime.datetime, datetime.datetime]:
    zone = ZoneInfo(site.time_zone)
    start_hour, end_hour = SHIFTS[shift]
    midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    return midnight + datetime.timedelta(hours=start_hour), midnight + datetime.timedelta(hours=end_hour)


def ward_mar(*, ward, start, end) -> list[dict]:
    """The MAR of a ward for [start, end): every patient in a bed of the ward, their active or held
    prescriptions, the doses due (or given as needed) in the window, and the previous shift's doses
    nobody recorded (overdue: still to be given, held, refused or marked missed). Four queries, whatever the size."""
    company = ward.company_id
    overdue_from = start - datetime.timedelta(hours=OVERDUE_HOURS)
    doses = Dose.objects.for_company(company).filter(
        Q(due_at__gte=start, due_at__lt=end) | Q(due_at__isnull=True, given_at__gte=start, given_at__lt=end)
        | Q(due_at__gte=overdue_from, due_at__lt=start, status=Dose.Status.SCHEDULED)
    ).select_related("recorded_by").order_by("due_at", "given_at")
    prescriptions = (Prescription.objects.for_company(company)
                     .filter(status__in=[Prescription.Status.ACTIVE, Prescription.Status.ON_HOLD])
                     .order_by("medication").prefetch_related(Prefetch("doses", queryset=doses, to_attr="window")))
    assignments = list(BedAssignment.objects.for_company(company).filter(bed__ward=ward, end__isnull=True)
                       .select_related("bed", "patient").order_by("bed__label"))
    by_patient = {}
    for prescription in prescriptions.filter(patient__in=[a.patient_id for a in assignments]):
        by_patient.setdefault(prescription.patient_id, []).append(prescription)
    return [{"assignment": a, "patient": a.patient, "bed": a.bed, "prescriptions": by_patient.get(a.patient_id, [])}
            for a in assignments]


class TrimScale(Func):
    """``trim_scale(numeric)``: a dose without its trailing zeros, as ``Decimal.normalize()`` writes it."""

    function = "trim_scale"
    output_field = DecimalField()


class ConcatWords(Func):
    """The non-empty texts joined by a space (``" ".join(t for t in texts if t)``): PostgreSQL's
    ``concat_ws`` skips NULLs, so each empty text is made NULL first."""

    template = "concat_ws(' ', %(expressions)s)"
    output_field = CharField()

    def __init__(self, *texts):
        super().__init__(*(NullIf(Cast(text, CharField()), Value("")) for text in texts))


def _recorder(relation):
    """Who recorded the dose as ``str(User)`` names them (full name, else e-mail), "" for nobody yet."""
    full_name = Trim(Concat(f"{relation}__first_name", Value(" "), f"{relation}__last_name", output_field=CharField()))
    return Case(When(**{f"{relation}__isnull": True}, then=Value("")),
                default=Coalesce(NullIf(full_name, Value("")), f"{relation}__email", output_field=CharField()))


def _ward_patients(company_id, ward_id):
    """The ward's open bed assignments (a patient is in one bed at a time: exclusion constraint)."""
    return BedAssignment.objects.for_company(company_id).filter(bed__ward_id=ward_id, end__isnull=True)


_mar_patients = prepared(lambda company_id, ward_id: _ward_patients(company_id, ward_id).order_by("bed__label", "id")
                         .values("patient__first_name", "patient__last_name", "patient__mrn", "bed__label",
                                 pid=_text("patient_id")))


def _mar_lines(company_id, ward_id, start, end, overdue_from):
    """One row per dose in the window (or per prescription without one), 13 columns: the prescription's
    heading is written by PostgreSQL as two texts (``title``, ``dose_text``, as ``str(prescription)``
    and ``dose_text`` write them) and the recorder as one (``recorded_by``), instead of ten columns
    repeated on each of a ward's 200 rows and joined in Python."""
    window = (Q(doses__due_at__gte=start, doses__due_at__lt=end)
              | Q(doses__due_at__isnull=True, doses__given_at__gte=start, doses__given_at__lt=end)
              | Q(doses__due_at__gte=overdue_from, doses__due_at__lt=start, doses__status=Dose.Status.SCHEDULED))
    return (Prescription.objects.for_company(company_id)
            .filter(patient__in=_ward_patients(company_id, ward_id).values("patient_id"),
                    status__in=[Prescription.Status.ACTIVE, Prescription.Status.ON_HOLD])
            .annotate(mar_dose=FilteredRelation("doses", condition=window & Q(doses__company_id=company_id)))
            .order_by("medication", "id", "mar_dose__due_at", "mar_dose__given_at", "mar_dose__id")
            .values("as_needed", "as_needed_condition", rx_status=F("status"), rx_id=_text("id"),
                    pid=_text("patient_id"), title=ConcatWords("medication", "strength", "form"),
                    dose_text=Concat(Cast(TrimScale("dose"), CharField()), Value(" "), "dose_unit", Value(" "), "route",
                                     Value(" "), "frequency", output_field=CharField()),
                    dose_id=_text("mar_dose__id"), due_s=EpochSeconds("mar_dose__due_at"),
                    dose_status=F("mar_dose__status"), given_s=EpochSeconds("mar_dose__given_at"),
                    reason=F("mar_dose__reason"), recorded_by=_recorder("mar_dose__recorded_by")))


_mar_lines_prepared = prepared(_mar_lines)


def ward_mar_page(*, ward, start, end) -> list[dict]:
    """The MAR page's rows in TWO prepared queries (``apps.core.prepared``), whatever the size
    (``ward_mar`` is the API's, with model rows; the same patients, prescriptions and doses): the ward's
    open bed assignments with bed label and patient; then the active or on-hold prescriptions of the
    ward's patients LEFT JOIN their doses in the window (due in it, given as needed in it, or the
    previous 12 hours' unrecorded: overdue) and who recorded each. Each row: ``{"patient_id",
    "first_name", "last_name", "mrn", "bed", "prescriptions": [{"id", "title", "dose_text", "status",
    "as_needed", "as_needed_condition", "doses": [dose, …]}]}``, a dose being the query's own row (no
    copy per dose) read by ``"dose_id"``, ``"due_s"``, ``"dose_status"``, ``"given_s"``, ``"reason"``,
    ``"recorded_by"`` (the recorder's name, "" for nobody): ids as text, due and given times as whole
    seconds since the epoch (``EpochSeconds``; None when absent)."""
    company_id, ward_id = ward.company_id, ward.pk
    rows = [{"patient_id": row["pid"], "first_name": row["patient__first_name"],
             "last_name": row["patient__last_name"], "mrn": row["patient__mrn"], "bed": row["bed__label"],
             "prescriptions": []}
            for row in _mar_patients(company_id=company_id, ward_id=ward_id)]
    if not rows:
        return rows
    by_patient = {row["patient_id"]: row["prescriptions"] for row in rows}
    lines = _mar_lines_prepared(company_id=company_id, ward_id=ward_id, start=start, end=end,
                                overdue_from=start - datetime.timedelta(hours=OVERDUE_HOURS))
    rx_id, doses = None, None
    for line in lines:  # 200 lines on the bench's 40-patient ward: kept to plain lookups
        if rx_id != line["rx_id"]:
            rx_id, doses = line["rx_id"], []
            by_patient[line["pid"]].append({
                "id": rx_id, "title": line["title"], "dose_text": line["dose_text"], "status": line["rx_status"],
                "as_needed": line["as_needed"], "as_needed_condition": line["as_needed_condition"], "doses": doses})
        if line["dose_id"] is not None:
            doses.append(line)
    return rows


def lab_queue(*, site):
    """The lab technician's work queue at a site: open orders, STAT first, then urgent, oldest first."""
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(When(urgency="stat", then=Value(0)), When(urgency="urgent", then=Value(1)), default=Value(2),
                output_field=IntegerField())
    return (LabOrder.objects.for_company(site.company_id)
            .filter(site=site, status__in=[LabOrder.Status.REQUESTED, LabOrder.Status.ACCEPTED,
                                           LabOrder.Status.IN_PROGRESS])
            .select_related("patient", "ordered_by").annotate(rank=rank, tests=Count("results"))
            .order_by("rank", "ordered_at"))


def pharmacy_queue(*, site):
    """Active prescriptions at a site that nothing has been dispensed for yet (the pharmacist's queue)."""
    return (Prescription.objects.for_company(site.company_id)
            .filter(site=site, status=Prescription.Status.ACTIVE, dispenses__isnull=True)
            .select_related("patient", "prescriber").order_by("start_at"))


def critical_todo(*, user):
    """Critical results of this person's orders that nobody has acknowledged yet (their to-do)."""
    return (LabResult.objects.for_company(user.company_id)
            .filter(order__ordered_by=user, flag__in=[LabResult.Flag.CRITICAL_LOW, LabResult.Flag.CRITICAL_HIGH],
                    acknowledged_at__isnull=True)
            .select_related("order__patient", "test").order_by("resulted_at"))


def drafts_to_review(*, user, site_ids):
    qs = Draft.objects.for_company(user.company_id).filter(status=Draft.Status.DRAFT).exclude(author=user)
    if None not in site_ids:
        qs = qs.filter(site__in=site_ids)
    return qs.select_related("patient", "author", "site").order_by("created_at")


def patient_hospital_record(*, patient, limit=10) -> dict:
    """Admissions, results and prescriptions of a patient across every site of the company (the chart
    section; seed 002 "global EMR"): three queries."""
    company = patient.company_id
    return {
        "admissions": list(Admission.objects.for_company(company).filter(patient=patient)
                           .select_related("site").order_by("-admitted_at")[:limit]),
        "results": list(LabResult.objects.for_company(company).filter(order__patient=patient,
                                                                        resulted_at__isnull=False)
                        .select_related("test", "order__site").order_by("-resulted_at")[:limit]),
        "prescriptions": list(Prescription.objects.for_company(company).filter(patient=patient)
                              .exclude(status=Prescription.Status.ENTERED_IN_ERROR)
                              .select_related("site").order_by("-start_at")[:limit]),
    }


def inventory_at(*, site):
    lots = StockLot.objects.for_company(site.company_id).filter(level__gt=0).order_by("expiry_date", "lot_number")
    return (InventoryItem.objects.for_company(site.company_id).filter(site=site).order_by("name")
            .prefetch_related(Prefetch("lots", queryset=lots, to_attr="stocked_lots")))


def now_local(site):
    return timezone.now().astimezone(ZoneInfo(site.time_zone))
