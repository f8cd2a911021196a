"""Billing reads: scoped querysets and the reports (each a fixed number of queries)."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from apps.billing.models import CatalogItem, Invoice, InvoiceLine, Payment

ZERO = Decimal("0.00")
OPEN_STATUSES = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID)
AGING_BUCKETS = [("current", "Current (0–30 days)"), ("days_30", "31–60 days"), ("days_60", "61–90 days"),
                 ("days_90", "90+ days")]


def catalog(*, company, active_only=False):
    items = CatalogItem.objects.for_company(company).select_related("service_type")
    return items.filter(is_active=True) if active_only else items


def invoices(*, company, site=None, status=None, patient=None):
    queryset = Invoice.objects.for_company(company).select_related("patient", "site")
    if site is not None:
        queryset = queryset.filter(site=site)
    if status:
        queryset = queryset.filter(status=status)
    if patient is not None:
        queryset = queryset.filter(patient=patient)
    return queryset.order_by("-created_at")


def invoice_lines(invoice):
    return InvoiceLine.objects.for_company(invoice.company_id).filter(invoice=invoice).select_related(
        "catalog_item").order_by("position", "created_at")


def invoice_payments(invoice):
    return Payment.objects.for_company(invoice.company_id).filter(invoice=invoice).select_related(
        "recorded_by").order_by("received_at", "created_at")


def patient_account(*, patient) -> dict:
    """The patient's invoices and credit notes (drafts too), payments and what they owe: three queries."""
    company = patient.company_id
    rows = list(Invoice.objects.for_company(company).filter(patient=patient).select_related("site", "credit_of")
                .order_by("-created_at"))
    payments = list(Payment.objects.for_company(company).filter(invoice__patient=patient)
                    .select_related("invoice").order_by("-received_at"))
    balance = sum((i.balance for i in rows if i.is_open), ZERO)
    today = timezone.localdate()
    overdue = sum((i.balance for i in rows if i.is_open and i.due_on and i.due_on < today), ZERO)
    return {"invoices": rows, "payments": payments, "balance": balance, "overdue": overdue}


def patient_balance(*, patient) -> Decimal:
    """What the patient owes on issued invoices (one query)."""
    return Invoice.objects.for_company(patient.company_id).filter(
        patient=patient, kind=Invoice.Kind.INVOICE, status__in=OPEN_STATUSES).aggregate(
        owed=Coalesce(Sum("balance"), Value(ZERO)))["owed"]


def billed_ids(company_id, source_type):
    """Ids of the visits/appointments a non-void invoice bills (a subquery)."""
    return InvoiceLine.objects.for_company(company_id).filter(
        source_type=source_type, active=True, source_id__isnull=False).values("source_id")


def unbilled_visits(*, patient):
    """The patient's visits (not cancelled) that no non-void invoice bills yet — directly, or
    through the fulfilled appointment they came from (one encounter is billed once)."""
    from apps.clinical.models import Visit
    from apps.scheduling.models import Appointment

    company = patient.company_id
    billed_appointments = billed_ids(company, InvoiceLine.Source.APPOINTMENT)
    via_appointment = Appointment.objects.for_company(company).filter(
        pk__in=billed_appointments, visit__isnull=False).values("visit_id")
    return (Visit.objects.for_company(company).filter(patient=patient)
            .exclude(status=Visit.Status.CANCELLED).exclude(pk__in=billed_ids(company, InvoiceLine.Source.VISIT))
            .exclude(pk__in=via_appointment).exclude(appointment_id__in=billed_appointments)
            .select_related("site", "case").order_by("visited_at"))


def unbilled_appointments(*, patient):
    """The patient's fulfilled appointments (apps.scheduling.selectors.fulfilled_appointments) that no
    non-void invoice bills yet — nor the visit they led to."""
    from apps.clinical.models import Visit
    from apps.scheduling.selectors import fulfilled_appointments

    company = patient.company_id
    billed_visits = billed_ids(company, InvoiceLine.Source.VISIT)
    from_billed_visits = Visit.objects.for_company(company).filter(
        pk__in=billed_visits, appointment_id__isnull=False).values("appointment_id")
    return (fulfilled_appointments(company, patient=patient)
            .exclude(pk__in=billed_ids(company, InvoiceLine.Source.APPOINTMENT))
            .exclude(visit_id__in=billed_visits).exclude(pk__in=from_billed_visits))


def appointments_by_id(*, patient, ids):
    """The patient's fulfilled appointments with these ids (one query)."""
    from apps.scheduling.selectors import fulfilled_appointments

    if not ids:
        return []
    return list(fulfilled_appointments(patient.company_id, patient=patient).filter(pk__in=list(ids)))


def aging_report(*, company, today=None, site=None) -> list[dict]:
    """Accounts receivable per site: open invoices' balances by age since the issue date —
    current (0–30 days), 31–60, 61–90, over 90 — in one query."""
    today = today or timezone.localdate()
    money = DecimalField(max_digits=14, decimal_places=2)

    def bucket(low, high):
        condition = Q(issued_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(issued_on__gt=today - datetime.timedelta(days=high))
        return Coalesce(Sum("balance", filter=condition), Value(ZERO), output_field=money)

    queryset = Invoice.objects.for_company(company).filter(kind=Invoice.Kind.INVOICE, status__in=OPEN_STATUSES)
    if site is not None:
        queryset = queryset.filter(site=site)
    rows = (queryset.values("site_id", "site__name")
            .annotate(current=Coalesce(Sum("balance", filter=Q(issued_on__gt=today - datetime.timedelta(days=31))),
                                       Value(ZERO), output_field=money),
                      days_30=bucket(31, 61), days_60=bucket(61, 91), days_90=bucket(91, None),
                      total=Coalesce(Sum("balance"), Value(ZERO), output_field=money), invoices=Count("id"))
            .order_by("site__name"))
    return [{**row, "site": row["site__name"]} for row in rows]


def daily_takings(*, company, day, site=None) -> dict:
    """Money received on ``day`` (the local day of the server's time zone), by method: payments less
    refunds, one query."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    money = DecimalField(max_digits=14, decimal_places=2)
    signed = Case(When(kind=Payment.Kind.REFUND, then=-F("amount")), default=F("amount"), output_field=money)
    queryset = Payment.objects.for_company(company).filter(received_at__gte=start, received_at__lt=end)
    if site is not None:
        queryset = queryset.filter(invoice__site=site)
    rows = {row["method"]: row for row in queryset.values("method").annotate(
        net=Sum(signed), received=Coalesce(Sum("amount", filter=Q(kind=Payment.Kind.PAYMENT)), Value(ZERO),
                                            output_field=money),
        refunded=Coalesce(Sum("amount", filter=Q(kind=Payment.Kind.REFUND)), Value(ZERO), output_field=money),
        count=Count("id", output_field=IntegerField()))}
    methods = [{"method": value, "label": label,
                **{k: rows.get(value, {}).get(k, ZERO) for k in ("received", "refunded", "net")},
                "count": rows.get(value, {}).get("count", 0)} for value, label in Payment.Method.choices]
    return {"day": day, "methods": methods, "total": sum((m["net"] for m in methods), ZERO)}


def payments(*, company, site=None, date_from=None, date_to=None):
    queryset = Payment.objects.for_company(company).select_related("invoice__patient", "invoice__site", "recorded_by")
    if site is not None:
        queryset = queryset.filter(invoice__site=site)
    if date_from is not None:
        queryset = queryset.annotate(day=TruncDate("received_at")).filter(day__gte=date_from)
    if date_to is not None:
        queryset = queryset.annotate(day=TruncDate("received_at")).filter(day__lte=date_to)
    return queryset.order_by("received_at", "created_at")


def lines(*, company, site=None):
    queryset = InvoiceLine.objects.for_company(company).select_related("invoice__patient", "invoice__site")
    if site is not None:
        queryset = queryset.filter(invoice__site=site)
    return queryset.exclude(invoice__status=Invoice.Status.DRAFT).order_by("invoice__number", "position")
