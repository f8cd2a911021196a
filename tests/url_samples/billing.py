"""Billing routes for the URL walk: Northwind's catalog item, invoice (with a line and a payment),
credit note. Charlie already holds every clinical role at his own clinic (clinical's grant_home_roles),
clinic manager (billing.manage) among them."""

from decimal import Decimal

from django.utils import timezone

from apps.billing.models import CatalogItem, Invoice, InvoiceLine, Payment


def build(world):
    patient, site, visit = world["patient"], world["clinical_site"], world["visit"]
    company = world["company"]
    author = world["note"].author
    item = CatalogItem.objects.create(company=company, code="NWSECRETCODE", name="Northwind secret service",
                                      unit_price=Decimal("99.00"))
    invoice = Invoice.objects.create(patient=patient, site=site, company=company, created_by=author,
                                     number="NWSECRET-2026-000001", number_year=2026, number_sequence=1,
                                     status=Invoice.Status.PARTIALLY_PAID, issued_on=timezone.localdate(),
                                     due_on=timezone.localdate(), subtotal=Decimal("99.00"), total=Decimal("99.00"),
                                     amount_paid=Decimal("10.00"), balance=Decimal("89.00"))
    line = InvoiceLine.objects.create(invoice=invoice, company=company, catalog_item=item,
                                      description="Northwind secret line", quantity=Decimal("1"),
                                      unit_price=Decimal("99.00"), gross=Decimal("99.00"), discount=Decimal("0"),
                                      net=Decimal("99.00"), tax=Decimal("0"), total=Decimal("99.00"),
                                      source_type="visit", source_id=visit.pk)
    payment = Payment.objects.create(invoice=invoice, company=company, amount=Decimal("10.00"), method="cash",
                                     received_at=timezone.now(), reference="NWSECRETPAY", recorded_by=author)
    draft = Invoice.objects.create(patient=patient, site=site, company=company, created_by=author)
    world.update(billing_item=item, invoice=invoice, invoice_line=line, payment=payment, draft_invoice=draft)
    world["markers"] += ["NWSECRETCODE", "Northwind secret service", "NWSECRET-2026-000001", "Northwind secret line",
                         "NWSECRETPAY"]


def build_own(own, user):
    """Charlie's own draft invoice and catalog item at his Southbay clinic."""
    patient = own["patient"]
    own["billing_item"] = CatalogItem.objects.create(company=user.company, code="SB1", name="Southbay visit",
                                                     unit_price=Decimal("50.00"))
    own["draft_invoice"] = Invoice.objects.create(patient=patient, site=own["clinical_site"], company=user.company,
                                                  created_by=user)


def _invoice(w):
    return {"invoice_id": w["invoice"].pk}


def _draft(w):
    return {"invoice_id": w["draft_invoice"].pk}


SAMPLES = {
    "billing:catalog_edit": lambda w: {"item_id": w["billing_item"].pk},
    "billing:patient_account": lambda w: {"patient_id": w["patient"].pk},
    "billing:invoice_new": lambda w: {"patient_id": w["patient"].pk},
    "billing:invoice_detail": _invoice,
    "billing:invoice_line_add": _draft,
    "billing:invoice_line_remove": lambda w: {"invoice_id": w["invoice"].pk, "line_id": w["invoice_line"].pk},
    "billing:invoice_issue": _draft,
    "billing:invoice_void": _draft,
    "billing:invoice_credit": _invoice,
    "billing:invoice_payment": _invoice,
    "billing:invoice_pdf": _invoice,
    "billing:receipt_pdf": lambda w: {"payment_id": w["payment"].pk},
    "billing:portal_invoice_pdf": _invoice,
    "billing-catalog-detail": lambda w: {"item_id": w["billing_item"].pk},
    "billing-invoice-detail": _invoice,
    "billing-invoice-lines": _draft,
    "billing-invoice-issue": _draft,
    "billing-invoice-void": _draft,
    "billing-invoice-credit-notes": _invoice,
    "billing-invoice-payments": _invoice,
    "fhir-invoice": _invoice,
}


def _catalog_body(w):
    """Northwind's service type to price: not one of Charlie's (form error 200 / API 400)."""
    return {"code": "WALK1", "name": "Walk item", "kind": "service", "unit_price": "10.00", "tax_rate": "0",
            "is_active": True, "company": str(w["company"].pk), "service_type": str(w["sched_service"].pk)}


def _line_body(w):
    """A Northwind catalog item on a line: not in Charlie's catalog (form error 200 / API 400)."""
    return {"catalog_item": str(w["billing_item"].pk), "description": "Walk line", "quantity": "1",
            "unit_price": "", "discount_rate": "0", "tax_rate": ""}


def _new_invoice_body(w):
    """Northwind's patient, clinic, visit: refused (form 200 with errors / API 400)."""
    return {"patient": str(w["patient"].pk), "site": str(w["clinical_site"].pk), "visits": [str(w["visit"].pk)],
            "appointments": [str(w["appointment"].pk)], "visit_item": str(w["billing_item"].pk)}


def _payment_body(w):
    return {"kind": "payment", "amount": "1.00", "method": "cash", "reference": "walk",
            "invoice": str(w["invoice"].pk)}


QUERIES = {
    "billing:home": lambda w: {"site": str(w["clinical_site"].pk), "status": "issued"},
    "billing:aging": lambda w: {"site": str(w["clinical_site"].pk)},
    "billing:takings": lambda w: {"site": str(w["clinical_site"].pk)},
    "billing:export_invoices": lambda w: {"site": str(w["clinical_site"].pk)},
    "billing:export_payments": lambda w: {"site": str(w["clinical_site"].pk)},
    "billing:portal": lambda w: {"invoice": str(w["invoice"].pk)},
    "billing-invoice-list": lambda w: {"patient": str(w["patient"].pk), "site": str(w["clinical_site"].pk)},
    "billing-catalog-list": lambda w: {"code": "NWSECRETCODE"},
}
BODIES = {
    "billing:catalog": _catalog_body,
    "billing:catalog_edit": _catalog_body,
    "billing:invoice_new": _new_invoice_body,
    "billing:invoice_line_add": _line_body,
    "billing:invoice_issue": lambda w: {"issued_on": "2026-01-05", "due_on": "2026-02-05"},
    "billing:invoice_void": lambda w: {"reason": "walk"},
    "billing:invoice_credit": lambda w: {"reason": "walk", f"line_{w['invoice_line'].pk}": "1"},
    "billing:invoice_payment": _payment_body,
    "billing-catalog-list": _catalog_body,
    "billing-catalog-detail": _catalog_body,
    "billing-invoice-list": _new_invoice_body,
    "billing-invoice-lines": _line_body,
    "billing-invoice-issue": lambda w: {"issued_on": "2026-01-05"},
    "billing-invoice-void": lambda w: {"reason": "walk"},
    "billing-invoice-credit-notes": lambda w: {"reason": "walk", "lines": [
        {"line": str(w["invoice_line"].pk), "quantity": "1"}]},
    "billing-invoice-payments": _payment_body,
}
NO_BODY = {
    "billing:home": "read-only list (filters are QUERIES)",
    "billing:patient_account": "read-only page",
    "billing:invoice_detail": "read-only page",
    "billing:invoice_line_remove": "the line is the path argument; no input",
    "billing:invoice_pdf": "a download",
    "billing:receipt_pdf": "a download",
    "billing:aging": "read-only report",
    "billing:takings": "read-only report",
    "billing:export_invoices": "a download (the clinic filter is QUERIES)",
    "billing:export_lines": "a download (the clinic filter is QUERIES)",
    "billing:export_payments": "a download (the clinic filter is QUERIES)",
    "billing:portal": "read-only page",
    "billing:portal_invoice_pdf": "a download",
    "billing-invoice-detail": "read-only API",
    "fhir-invoice": "read-only FHIR resource",
}
OWN_SAMPLES = {
    # Charlie's own draft and catalog item with Northwind's catalog item / ids in the body: refused or ignored.
    "billing:catalog_edit": lambda own: {"item_id": own["billing_item"].pk},
    "billing:invoice_new": lambda own: {"patient_id": own["patient"].pk},
    "billing:invoice_line_add": lambda own: {"invoice_id": own["draft_invoice"].pk},
    "billing-catalog-detail": lambda own: {"item_id": own["billing_item"].pk},
    "billing-invoice-lines": lambda own: {"invoice_id": own["draft_invoice"].pk},
}
