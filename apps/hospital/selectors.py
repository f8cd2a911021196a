"""Reads of the hospital floor: scoped querysets and page data with a fixed number of queries."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

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
