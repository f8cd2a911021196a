"""Payments that cannot go wrong: a negative, a zero and an over-balance payment are each refused —
in the service, the API and the form — with a clear error, and change nothing. The database check
refuses amount ≤ 0 too. Refunds are their own entries."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditLog
from apps.billing import services
from apps.billing.models import Invoice, Payment

pytestmark = pytest.mark.django_db

BAD_AMOUNTS = [("-10.00", "more than zero"), ("0", "more than zero"), ("0.00", "more than zero"),
               ("85.01", "more than the balance"), ("1000", "more than the balance")]


def _unchanged(invoice):
    fresh = Invoice.objects.for_company(invoice.company_id).get(pk=invoice.pk)
    return (fresh.balance, fresh.amount_paid, fresh.status, Payment.objects.for_company(invoice.company_id).count(),
            AuditLog.objects.for_company(invoice.company_id).filter(action__startswith="payment.").count())


@pytest.mark.parametrize("amount,message", BAD_AMOUNTS)
def test_the_service_refuses_the_amount(manager, make_invoice, amount, message):
    invoice = make_invoice()
    before = _unchanged(invoice)
    with pytest.raises(ValidationError) as refused:
        services.payment_record(actor=manager, invoice=invoice, amount=Decimal(amount), method="cash")
    assert message in refused.value.message_dict["amount"][0]
    assert _unchanged(invoice) == before


@pytest.mark.parametrize("amount,message", BAD_AMOUNTS)
def test_the_api_answers_400_on_amount(client, manager, make_invoice, amount, message):
    invoice = make_invoice()
    before = _unchanged(invoice)
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-payments", args=[invoice.pk]),
                           {"amount": amount, "method": "card"}, content_type="application/json")
    assert response.status_code == 400 and message in response.json()["amount"][0]
    assert _unchanged(invoice) == before


@pytest.mark.parametrize("amount,message", BAD_AMOUNTS)
def test_the_form_shows_the_error_beside_the_amount(client, manager, make_invoice, amount, message):
    invoice = make_invoice()
    before = _unchanged(invoice)
    client.force_login(manager)
    response = client.post(reverse("billing:invoice_payment", args=[invoice.pk]),
                           {"kind": "payment", "amount": amount, "method": "cash"})
    assert response.status_code == 200
    form = response.context["payment_form"]
    assert message in form.errors["amount"][0]
    assert _unchanged(invoice) == before


def test_the_database_refuses_a_payment_of_zero_or_less(manager, make_invoice):
    invoice = make_invoice()
    for amount in (Decimal("0"), Decimal("-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(invoice=invoice, amount=amount, method="cash", received_at=timezone.now(),
                                   recorded_by=manager)


def test_the_database_refuses_an_overpaid_invoice(make_invoice):
    invoice = make_invoice()
    invoice.amount_paid, invoice.balance = Decimal("90.00"), Decimal("-5.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        invoice.save()


def test_payments_bring_the_balance_to_zero_and_the_invoice_to_paid(client, manager, make_invoice, northwind):
    invoice = make_invoice()
    client.force_login(manager)
    client.post(reverse("billing:invoice_payment", args=[invoice.pk]), {"kind": "payment", "amount": "60.00",
                                                                        "method": "cash"})
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("25.00"), "partially_paid")
    response = client.post(reverse("billing-invoice-payments", args=[invoice.pk]),
                           {"amount": "25.00", "method": "insurance", "reference": "Claim 7"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["amount"] == "25.00"
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.amount_paid, invoice.status) == (Decimal("0.00"), Decimal("85.00"), "paid")
    audit = AuditLog.objects.for_company(northwind).filter(action="payment.record").order_by("created_at").last()
    assert audit.changes["balance"] == ["25.00", "0.00"] and audit.changes["status"] == ["partially_paid", "paid"]


def test_a_refund_is_its_own_entry_and_cannot_exceed_what_was_paid(manager, make_invoice):
    invoice = make_invoice()
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("85.00"), method="card")
    with pytest.raises(ValidationError):
        services.payment_record(actor=manager, invoice=invoice, amount=Decimal("85.01"), method="card", kind="refund")
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("35.00"), method="card", kind="refund")
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (
        Decimal("50.00"), Decimal("35.00"), "partially_paid")
    assert list(invoice.payments.order_by("created_at").values_list("kind", "amount")) == [
        ("payment", Decimal("85.00")), ("refund", Decimal("35.00"))]


def test_a_draft_or_void_invoice_takes_no_payment(client, manager, make_invoice):
    draft = make_invoice(issue=False)
    with pytest.raises(services.InvoiceStateError):
        services.payment_record(actor=manager, invoice=draft, amount=Decimal("1.00"), method="cash")
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-payments", args=[draft.pk]), {"amount": "1.00", "method": "cash"},
                           content_type="application/json")
    assert response.status_code == 409


def test_a_double_submitted_payment_is_recorded_once(client, manager, make_invoice):
    invoice = make_invoice()
    client.force_login(manager)
    data = {"kind": "payment", "amount": "10.00", "method": "cash",
            "idempotency_key": "5a1d4c1e-0c4b-4c8e-9d3a-333333333333"}
    client.post(reverse("billing:invoice_payment", args=[invoice.pk]), data)
    client.post(reverse("billing:invoice_payment", args=[invoice.pk]), data)
    invoice.refresh_from_db()
    assert invoice.payments.count() == 1 and invoice.balance == Decimal("75.00")


def test_more_than_two_decimals_and_floats_are_refused(manager, make_invoice):
    invoice = make_invoice()
    with pytest.raises(ValidationError):
        services.payment_record(actor=manager, invoice=invoice, amount=Decimal("1.005"), method="cash")
    with pytest.raises(ValidationError):
        services.payment_record(actor=manager, invoice=invoice, amount=0.1, method="cash")
    with pytest.raises(ValidationError):
        services.payment_record(actor=manager, invoice=invoice, amount="ten", method="cash")
