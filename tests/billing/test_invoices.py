"""From care to invoice, issue, the frozen snapshot, credit notes and void — through the pages,
the API and the services, as Bea (clinic manager), Rita (front desk) and Charlie (Southbay)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.audit.models import AuditLog
from apps.billing import selectors, services
from apps.billing.models import Invoice, InvoiceLine
from tests.clinical.factories import CaseFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _audit(company, action):
    return AuditLog.objects.for_company(company).filter(action=action)


def test_bea_bills_margarets_visit_from_the_page_and_issues_it_with_the_first_number(
        client, manager, patient, visit, items, northwind):
    client.force_login(manager)
    page = client.get(reverse("billing:invoice_new", args=[patient.pk]))
    assert page.status_code == 200 and "Knee pain" in page.content.decode()
    response = client.post(reverse("billing:invoice_new", args=[patient.pk]), {
        "site": str(visit.site_id), "visit_item": str(items["consult"].pk), "visits": [str(visit.pk)],
        "idempotency_key": "8f0c3a8e-8d0e-4a4e-9b8e-111111111111"})
    invoice = Invoice.objects.for_company(northwind).get()
    assert response.status_code == 302 and response["Location"] == reverse("billing:invoice_detail", args=[invoice.pk])
    line = invoice.lines.get()
    assert (line.source_type, line.source_id, line.unit_price, invoice.total) == (
        "visit", visit.pk, Decimal("85.00"), Decimal("85.00"))
    client.post(reverse("billing:invoice_line_add", args=[invoice.pk]),
                {"catalog_item": str(items["brace"].pk), "quantity": "2", "discount_rate": "0.1"})
    response = client.post(reverse("billing:invoice_issue", args=[invoice.pk]), {"issued_on": "2026-03-02"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    # brace: 2 × 39.90 = 79.80, discount 7.98, net 71.82, tax 8 % = 5.7456 → 5.75
    assert (invoice.subtotal, invoice.discount_total, invoice.tax_total, invoice.total) == (
        Decimal("164.80"), Decimal("7.98"), Decimal("5.75"), Decimal("162.57"))
    assert invoice.number == "NOR-2026-000001" and invoice.status == "issued"
    assert invoice.due_on == datetime.date(2026, 4, 1)  # 30 days' terms
    issued = _audit(northwind, "invoice.issue").get()
    assert issued.changes["status"] == ["draft", "issued"] and issued.changes["number"] == ["", "NOR-2026-000001"]


def test_a_double_submitted_draft_form_makes_one_invoice(client, manager, patient, visit, items, northwind):
    client.force_login(manager)
    data = {"site": str(visit.site_id), "visit_item": str(items["consult"].pk), "visits": [str(visit.pk)],
            "idempotency_key": "8f0c3a8e-8d0e-4a4e-9b8e-222222222222"}
    first = client.post(reverse("billing:invoice_new", args=[patient.pk]), data)
    second = client.post(reverse("billing:invoice_new", args=[patient.pk]), data)
    assert first["Location"] == second["Location"]
    assert Invoice.objects.for_company(northwind).count() == 1


def test_an_issued_invoice_cannot_change_service_page_and_api(client, manager, make_invoice, items):
    invoice = make_invoice()
    with pytest.raises(services.InvoiceStateError):
        services.invoice_line_add(actor=manager, invoice=invoice, catalog_item=items["brace"])
    with pytest.raises(services.InvoiceStateError):
        services.invoice_line_remove(actor=manager, line=invoice.lines.get())
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-lines", args=[invoice.pk]),
                           {"catalog_item": str(items["brace"].pk)}, content_type="application/json")
    assert response.status_code == 409
    assert client.post(reverse("billing-invoice-issue", args=[invoice.pk]), {},
                       content_type="application/json").status_code == 409
    page = client.post(reverse("billing:invoice_line_add", args=[invoice.pk]),
                       {"catalog_item": str(items["brace"].pk), "quantity": "1"}, follow=True)
    assert "cannot change" in page.content.decode()
    invoice.refresh_from_db()
    assert invoice.lines.count() == 1 and invoice.total == Decimal("85.00")


def test_a_visit_is_never_billed_twice_and_voiding_makes_it_billable_again(manager, patient, visit, clinic, items,
                                                                            northwind):
    first = services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit],
                                       visit_item=items["consult"])
    assert list(selectors.unbilled_visits(patient=patient)) == []
    with pytest.raises(ValidationError) as refused:
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit],
                                   visit_item=items["consult"])
    assert "already on an invoice" in str(refused.value)
    assert Invoice.objects.for_company(northwind).count() == 1  # the refused draft rolled back
    services.invoice_issue(actor=manager, invoice=first)
    services.invoice_void(actor=manager, invoice=first, reason="Wrong patient")
    assert list(selectors.unbilled_visits(patient=patient)) == [visit]
    again = services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[visit],
                                       visit_item=items["consult"])
    assert again.lines.get().source_id == visit.pk


def test_the_database_refuses_a_second_active_line_for_one_visit(manager, make_invoice, visit):
    invoice = make_invoice(issue=False)
    line = invoice.lines.get()
    line.source_type, line.source_id = "visit", visit.pk
    line.save()
    other = make_invoice(issue=False)
    duplicate = other.lines.get()
    duplicate.source_type, duplicate.source_id = "visit", visit.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_voided_invoice_keeps_its_number_and_the_next_issue_takes_the_next_one(manager, make_invoice, northwind):
    first = make_invoice()
    voided = services.invoice_void(actor=manager, invoice=first, reason="Entered in error")
    second = make_invoice()
    assert voided.number == f"NOR-{voided.issued_on.year}-000001" and voided.status == "void"
    assert second.number.endswith("-000002")
    voided.refresh_from_db()
    assert voided.number.endswith("-000001")
    audit = _audit(northwind, "invoice.void").get()
    assert audit.changes["status"] == ["issued", "void"] and audit.changes["void_reason"] == ["", "Entered in error"]


def test_void_needs_a_reason_and_is_refused_once_paid(client, manager, make_invoice):
    invoice = make_invoice()
    with pytest.raises(ValidationError):
        services.invoice_void(actor=manager, invoice=invoice, reason="  ")
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("5.00"), method="cash")
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-void", args=[invoice.pk]), {"reason": "x"},
                           content_type="application/json")
    assert response.status_code == 409 and "refund" in response.json()["detail"]


def test_a_credit_note_has_negative_lines_referencing_the_original_and_lowers_the_balance(
        client, manager, make_invoice, northwind):
    invoice = make_invoice(("consult", "1", None), ("brace", "2", None))
    brace = invoice.lines.get(description="Knee brace")
    client.force_login(manager)
    response = client.post(reverse("billing:invoice_credit", args=[invoice.pk]),
                           {"reason": "One brace returned", f"line_{brace.pk}": "1"})
    note = Invoice.objects.for_company(northwind).get(kind="credit_note")
    assert response.status_code == 302
    credit_line = note.lines.get()
    # one brace: 39.90 + 8 % tax 3.192 → 3.19 = 43.09, negated
    assert (credit_line.quantity, credit_line.total, credit_line.credited_line_id) == (
        Decimal("-1.000"), Decimal("-43.09"), brace.pk)
    assert note.credit_of_id == invoice.pk and note.total == Decimal("-43.09") and note.number.endswith("-000002")
    invoice.refresh_from_db()
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        Decimal("43.09"), invoice.total - Decimal("43.09"), "partially_paid")
    assert _audit(northwind, "credit_note.issue").count() == 1
    assert _audit(northwind, "invoice.credit").get().changes["balance"] == [str(invoice.total), str(invoice.balance)]


def test_a_credit_beyond_what_is_owed_or_the_line_is_refused(manager, make_invoice):
    invoice = make_invoice(("consult", "1", None))
    line = invoice.lines.get()
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=manager, invoice=invoice, lines=[(line, Decimal("2"))], reason="x")
    services.payment_record(actor=manager, invoice=invoice, amount=Decimal("80.00"), method="card")
    with pytest.raises(ValidationError) as refused:
        services.credit_note_create(actor=manager, invoice=invoice, lines=[(line, Decimal("1"))], reason="x")
    assert "refund a payment first" in str(refused.value)
    assert Invoice.objects.for_company(invoice.company_id).filter(kind="credit_note").count() == 0


def test_rita_at_the_front_desk_sees_invoices_but_cannot_issue_or_take_payments(client, reception, make_invoice):
    invoice = make_invoice(issue=False)
    client.force_login(reception)
    assert client.get(reverse("billing:invoice_detail", args=[invoice.pk])).status_code == 200
    assert client.post(reverse("billing:invoice_issue", args=[invoice.pk]), {}).status_code == 403
    assert client.post(reverse("billing-invoice-issue", args=[invoice.pk]), {},
                       content_type="application/json").status_code == 403
    invoice.refresh_from_db()
    assert invoice.is_draft


def test_pat_the_practitioner_has_no_billing_codes(client, practitioner, make_invoice):
    invoice = make_invoice()
    client.force_login(practitioner)
    assert client.get(reverse("billing:home")).status_code == 403
    assert client.get(reverse("billing:invoice_detail", args=[invoice.pk])).status_code == 403


def test_charlie_from_southbay_gets_404_for_northwinds_invoice(client, southbay, make_user, make_invoice):
    from apps.tenants.roles import Role
    from tests.factories import SiteFactory

    charlie = make_user(southbay, Role.CLINIC_MANAGER, site=SiteFactory(institution__company=southbay),
                        email="charlie@southbay.example")
    invoice = make_invoice()
    client.force_login(charlie)
    for name in ("billing:invoice_detail", "billing:invoice_pdf", "billing-invoice-detail", "fhir-invoice"):
        assert client.get(reverse(name, args=[invoice.pk])).status_code == 404, name


def test_the_api_creates_a_draft_from_visits_and_returns_decimal_strings(client, manager, patient, visit, items):
    client.force_login(manager)
    response = client.post(reverse("billing-invoice-list"), {
        "patient": str(patient.pk), "site": str(visit.site_id), "visits": [str(visit.pk)],
        "visit_item": str(items["consult"].pk)}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    invoice_id = body["id"]
    client.post(reverse("billing-invoice-lines", args=[invoice_id]),
                {"catalog_item": str(items["brace"].pk), "quantity": "1.5", "discount_rate": "0.05"},
                content_type="application/json")
    body = client.post(reverse("billing-invoice-issue", args=[invoice_id]), {}, content_type="application/json").json()
    # brace 1.5 × 39.90 = 59.85; discount 2.9925 → 2.99; net 56.86; tax 4.5488 → 4.55
    assert {k: body[k] for k in ("subtotal", "discount_total", "tax_total", "total", "balance")} == {
        "subtotal": "144.85", "discount_total": "2.99", "tax_total": "4.55", "total": "146.41", "balance": "146.41"}
    assert body["lines"][1]["quantity"] == "1.500" and body["status"] == "issued"


def test_a_visit_of_another_patient_is_refused(manager, patient, clinic, items):
    other = VisitFactory(case=CaseFactory(patient__home_site=clinic))
    with pytest.raises(ValidationError):
        services.invoice_from_care(actor=manager, patient=patient, site=clinic, visits=[other],
                                   visit_item=items["consult"])
    assert not InvoiceLine.objects.for_company(clinic.company).exists()
