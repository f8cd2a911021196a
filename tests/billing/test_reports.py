"""What clinics look at: the patient account, receivables aging per clinic, daily takings, CSV
exports that re-read to the same totals, the PDF invoice and receipt — and constant query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apps.audit.models import AccessLog
from apps.billing import selectors, services
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_invoice_pdf_opens_and_shows_the_clinic_and_the_total(client, manager, make_invoice):
    invoice = make_invoice(("consult", "1", None), ("brace", "2", None))
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("50.00"), method="card")
    client.force_login(manager)
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    invoice.refresh_from_db()
    assert "Harbor Street Clinic" in text and "14 Harbor Street" in text and invoice.number in text
    assert f"{invoice.total:,.2f} USD" in text and "171.18 USD" in text  # 85 + 2 × 39.90 × 1.08
    assert f"{invoice.balance:,.2f} USD" in text and "Margaret Holloway" in text
    assert AccessLog.objects.for_company(invoice.company_id).filter(entity_id=str(invoice.patient_id)).exists()


def test_the_receipt_pdf_shows_the_amount_and_method(client, manager, make_invoice):
    invoice = make_invoice()
    payment = services.payment_record(actor=manager, invoice=invoice, amount=Decimal("40.00"), method="card",
                                      reference="Terminal 3")
    client.force_login(manager)
    text = _pdf_text(client.get(reverse("billing:receipt_pdf", args=[payment.pk])))
    assert "Receipt" in text and "40.00 USD" in text and "Card" in text and invoice.number in text


def test_the_csv_exports_re_read_to_the_same_totals(client, manager, make_invoice, northwind):
    first = make_invoice(("consult", "1", None), ("brace", "1.5", None))
    second = make_invoice(("Dressing change", "3", "12.35"))
    services.payment_record(actor=manager, invoice=first, amount=Decimal("10.10"), method="cash")
    services.payment_record(actor=manager, invoice=second, amount=Decimal("20.20"), method="card")
    services.payment_record(actor=manager, invoice=second, amount=Decimal("0.20"), method="card", kind="refund")
    make_invoice(issue=False)  # a draft is not exported
    client.force_login(manager)

    def rows(name):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    invoices, lines, payments = rows("billing:export_invoices"), rows("billing:export_lines"), rows(
        "billing:export_payments")
    stored = [first, second]
    for invoice in stored:
        invoice.refresh_from_db()
    assert len(invoices) == 2
    assert sum(Decimal(r["total"]) for r in invoices) == sum(i.total for i in stored)
    assert sum(Decimal(r["balance"]) for r in invoices) == sum(i.balance for i in stored)
    assert sum(Decimal(r["total"]) for r in lines) == sum(i.total for i in stored)
    for invoice in stored:
        own = [r for r in lines if r["invoice"] == invoice.number]
        assert sum(Decimal(r["tax"]) for r in own) == invoice.tax_total
        assert sum(Decimal(r["discount"]) for r in own) == invoice.discount_total
    paid = sum(Decimal(r["amount"]) * (-1 if r["kind"] == "refund" else 1) for r in payments)
    assert paid == sum(i.amount_paid for i in stored) == Decimal("30.10")
    assert AccessLog.objects.for_company(northwind).filter(action="export", entity_id=str(first.patient_id)).count() == 3


def test_aging_puts_open_balances_in_buckets_per_clinic(client, manager, make_invoice, clinic, northwind):
    today = timezone.localdate()
    other = SiteFactory(institution=clinic.institution, name="Pier Clinic")
    for days in (5, 40, 70, 100):
        make_invoice(issued_on=today - datetime.timedelta(days=days))
    paid = make_invoice(issued_on=today - datetime.timedelta(days=100))
    services.payment_record(actor=manager, invoice=paid, amount=paid.balance, method="cash")
    pier_patient = PatientFactory(home_site=other)
    pier = services.invoice_create(actor=manager, patient=pier_patient, site=other)
    services.invoice_line_add(actor=manager, invoice=pier, description="Dressing", unit_price=Decimal("10.00"))
    services.invoice_issue(actor=manager, invoice=pier, issued_on=today - datetime.timedelta(days=45))
    rows = {row["site"]: row for row in selectors.aging_report(company=northwind, today=today)}
    harbor = rows["Harbor Street Clinic"]
    assert [harbor[key] for key in ("current", "days_30", "days_60", "days_90", "total")] == [
        Decimal("85.00"), Decimal("85.00"), Decimal("85.00"), Decimal("85.00"), Decimal("340.00")]
    assert rows["Pier Clinic"]["days_30"] == Decimal("10.00") and rows["Pier Clinic"]["total"] == Decimal("10.00")
    client.force_login(manager)
    page = client.get(reverse("billing:aging"), {"site": str(clinic.pk)})
    assert page.status_code == 200 and "Pier Clinic" not in page.content.decode()


def test_aging_buckets_have_exact_edges(make_invoice, northwind):
    today = datetime.date(2026, 6, 30)
    for days in (30, 31, 60, 61, 90, 91):
        make_invoice(issued_on=today - datetime.timedelta(days=days))
    row = selectors.aging_report(company=northwind, today=today)[0]
    assert [row[k] for k in ("current", "days_30", "days_60", "days_90")] == [
        Decimal("85.00"), Decimal("170.00"), Decimal("170.00"), Decimal("85.00")]


def test_daily_takings_sum_by_method_less_refunds(client, manager, make_invoice, northwind):
    now = timezone.now()
    yesterday = now - datetime.timedelta(days=1)
    invoice = make_invoice(("consult", "3", None))
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("50.00"), method="cash", received_at=now)
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("70.00"), method="card", received_at=now)
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("5.00"), method="cash", received_at=now,
                            kind="refund")
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("9.99"), method="cash",
                            received_at=yesterday)
    report = selectors.daily_takings(company=northwind, day=timezone.localdate(now))
    by_method = {m["method"]: m for m in report["methods"]}
    assert by_method["cash"]["net"] == Decimal("45.00") and by_method["card"]["net"] == Decimal("70.00")
    assert by_method["cash"]["refunded"] == Decimal("5.00") and report["total"] == Decimal("115.00")
    client.force_login(manager)
    page = client.get(reverse("billing:takings"), {"day": timezone.localdate(now).isoformat()})
    assert page.status_code == 200 and "115.00" in page.content.decode()
    assert client.get(reverse("billing:takings"), {"day": "yesterday"}).status_code == 400


def test_the_account_shows_invoices_payments_and_what_is_owed(client, reception, manager, make_invoice, patient):
    invoice = make_invoice()
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("35.00"), method="cash")
    make_invoice(("brace", "1", None))
    client.force_login(reception)
    response = client.get(reverse("billing:patient_account", args=[patient.pk]))
    assert response.status_code == 200
    assert response.context["balance"] == Decimal("50.00") + Decimal("43.09")
    assert "Receipt (PDF)" in response.content.decode()


@pytest.mark.parametrize("page", ["account", "home", "aging", "detail"])
def test_pages_run_a_fixed_number_of_queries_however_many_invoices(client, manager, make_invoice, patient, page,
                                                                   django_assert_num_queries):
    def url(invoice):
        return {"account": reverse("billing:patient_account", args=[patient.pk]), "home": reverse("billing:home"),
                "aging": reverse("billing:aging"),
                "detail": reverse("billing:invoice_detail", args=[invoice.pk])}[page]

    def grow(count):
        invoice = None
        for _ in range(count):
            invoice = make_invoice(("consult", "1", None), ("brace", "1", None))
        for _ in range(count):  # and as many payments on the last one
            services.payment_record(actor=manager, invoice=invoice, amount=Decimal("1.00"), method="cash")
        return invoice

    invoice = grow(1)
    client.force_login(manager)
    client.get(url(invoice))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(invoice)).status_code == 200
    invoice = grow(4)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url(invoice)).status_code == 200


@pytest.mark.parametrize("name,query", [
    ("billing:home", {"site": "abc"}), ("billing:home", {"status": "nope"}), ("billing:aging", {"day": "soon"}),
    ("billing:export_invoices", {"site": "1"}), ("billing-invoice-list", {"patient": "abc"}),
    ("billing-invoice-list", {"status": "nope"}), ("billing-invoice-list", {"site": "x"}),
])
def test_malformed_filters_are_a_400_with_a_message_never_a_500(client, manager, name, query):
    client.force_login(manager)
    client.raise_request_exception = False
    response = client.get(reverse(name), query)
    assert response.status_code == 400 and response.content.strip()
