"""Billing writes. Each is keyword-only ``<entity>_<action>(*, actor, …)``, runs in one transaction,
locks the rows it changes (named helpers below, invoice before counter, in pk order) and writes its
audit row with before/after in that transaction. Pages, the API and the demo all call these.

Refusals: bad input is a ``ValidationError`` (form: beside the field; API: 400 with field errors);
acting on an invoice in the wrong state (changing an issued invoice, paying a void one) is an
``InvoiceStateError`` (API: 409). A refused write changes nothing."""

import datetime
import decimal
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_log_record, model_changes, save_with_audit, snapshot
from apps.billing.arithmetic import ZERO, line_amounts, money
from apps.billing.models import BillingSettings, CatalogItem, Invoice, InvoiceCounter, InvoiceLine, Payment
from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch

CATALOG_FIELDS = ["code", "name", "kind", "unit_price", "tax_rate", "is_active", "service_type"]


class InvoiceStateError(Exception):
    """The invoice is not in a state that allows this (API: 409 Conflict)."""


# ------------------------------------------------------------------ small helpers
def _decimal(value, field, *, places=None):
    """A Decimal from form/API input; a float, text or NaN is a field error (never a 500)."""
    if isinstance(value, float):
        raise ValidationError({field: "Send amounts as decimal strings, not floating-point numbers."})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "Enter a number."})
    if not number.is_finite():
        raise ValidationError({field: "Enter a number."})
    if places is not None and number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError({field: f"Use at most {places} decimal places."})
    return number


def _rate(value, field):
    rate = _decimal(value, field, places=4)
    if not ZERO <= rate <= 1:
        raise ValidationError({field: "A rate is a fraction between 0 and 1 (0.2 = 20 %)."})
    return rate


def billing_settings_for(company) -> BillingSettings:
    """The company's billing settings (created on first use: prefix from the MRN format or the subdomain)."""
    from apps.clinical.models import MrnSequence
    from apps.tenants.models import Company

    company_id = getattr(company, "pk", company)
    found = BillingSettings.objects.for_company(company_id).select_related("visit_item").first()
    if found is not None:
        return found
    mrn = MrnSequence.objects.for_company(company_id).first()
    prefix = (mrn.prefix.strip("-") if mrn else "") or Company.objects.get(pk=company_id).subdomain[:3].upper()
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(company_id=company_id, invoice_prefix=prefix[:10])
    except IntegrityError:
        return BillingSettings.objects.for_company(company_id).get()


def lock_invoice(invoice) -> Invoice:
    """The invoice row, re-read under ``SELECT … FOR UPDATE`` (every change to it holds this lock)."""
    return Invoice.objects.for_company(invoice.company_id).select_for_update().get(pk=invoice.pk)


def lock_invoice_counter(company_id, year) -> InvoiceCounter:
    """The (company, year) counter row, created if missing, then locked: concurrent issues queue here."""
    InvoiceCounter.objects.for_company(company_id).get_or_create(company_id=company_id, year=year)
    return InvoiceCounter.objects.for_company(company_id).select_for_update().get(year=year)


def _take_number(invoice, issued_on) -> None:
    settings = billing_settings_for(invoice.company_id)
    counter = lock_invoice_counter(invoice.company_id, issued_on.year)
    counter.last_number += 1
    counter.save(update_fields=["last_number", "updated_at"])
    invoice.number_year, invoice.number_sequence = issued_on.year, counter.last_number
    invoice.number = f"{settings.invoice_prefix}-{issued_on.year}-{counter.last_number:06d}"


def _recompute_totals(invoice) -> None:
    """Subtotal … total as the sums of the lines (arithmetic.invoice_totals, done in SQL over the
    stored, already rounded line amounts), and the balance."""
    from django.db.models import Sum

    sums = InvoiceLine.objects.for_company(invoice.company_id).filter(invoice=invoice).aggregate(
        subtotal=Sum("gross"), discount_total=Sum("discount"), tax_total=Sum("tax"), total=Sum("total"))
    for field, value in sums.items():
        setattr(invoice, field, value if value is not None else ZERO)
    _settle(invoice)


def _settle(invoice) -> None:
    """Balance = total − credited − paid (payments less refunds); the status follows it."""
    if invoice.is_credit_note:
        invoice.balance = ZERO
        return
    invoice.balance = invoice.total - invoice.amount_credited - invoice.amount_paid
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return
    if invoice.balance == 0:
        invoice.status = Invoice.Status.PAID
    elif invoice.amount_paid > 0 or invoice.amount_credited > 0:
        invoice.status = Invoice.Status.PARTIALLY_PAID
    else:
        invoice.status = Invoice.Status.ISSUED


def _save_audited(invoice, *, actor, verb, before, extra=None):
    invoice._history_user = actor
    invoice.save()
    changes = model_changes(invoice, before)
    changes.update(extra or {})
    audit_log_record(company=invoice.company_id, actor=actor, action=f"invoice.{verb}", entity=invoice,
                     changes=changes)
    return invoice


def _require_draft(invoice):
    if not invoice.is_draft:
        raise InvoiceStateError(f"Invoice {invoice} is {invoice.get_status_display().lower()}: an issued invoice "
                                "cannot change — correct it with a credit note, or void it.")


# ------------------------------------------------------------------ catalog
def _catalog_data(data):
    clean = {key: value for key, value in data.items() if key in CATALOG_FIELDS}
    if "unit_price" in clean:
        clean["unit_price"] = _decimal(clean["unit_price"], "unit_price", places=2)
        if clean["unit_price"] < 0:
            raise ValidationError({"unit_price": "A price cannot be negative."})
    if "tax_rate" in clean:
        clean["tax_rate"] = _rate(clean["tax_rate"], "tax_rate")
    return clean


def _check_service_type(item):
    if item.service_type_id is not None and item.service_type.company_id != item.company_id:
        raise ValidationError({"service_type": "Choose a service of this organization."})


def catalog_item_create(*, actor, company, data: dict) -> CatalogItem:
    item = CatalogItem(**_catalog_data(data))
    item.company_id = getattr(company, "pk", company)
    _check_service_type(item)
    item.full_clean()
    return save_with_audit(instance=item, actor=actor, action="catalog_item.create")


def catalog_item_update(*, actor, item, data: dict) -> CatalogItem:
    for key, value in _catalog_data(data).items():
        setattr(item, key, value)
    _check_service_type(item)
    item.full_clean()
    return save_with_audit(instance=item, actor=actor, action="catalog_item.update")


# ------------------------------------------------------------------ invoices (drafts)
def invoice_create(*, actor, patient, site, case=None, notes: str = "", idempotency_key=None) -> Invoice:
    """A draft invoice for ``patient`` billed by ``site`` (a double submit with one key: one draft)."""
    if site.company_id != patient.company_id:
        raise ValidationError({"site": "Choose a clinic of this organization."})
    if case is not None and case.patient_id != patient.pk:
        raise ValidationError({"case": "Choose one of this patient's cases."})

    def create():
        settings = billing_settings_for(patient.company_id)
        invoice = Invoice(patient=patient, site=site, case=case, notes=notes, currency=settings.currency,
                          created_by=actor, idempotency_key=idempotency_key)
        invoice._history_user = actor
        invoice.save()
        audit_log_record(company=invoice.company_id, actor=actor, action="invoice.create", entity=invoice,
                         changes=snapshot(invoice))
        return invoice

    with transaction.atomic():
        invoice, _ = replay_or_create(Invoice.objects.for_company(patient.company_id), key_field="idempotency_key",
                                      key=idempotency_key, create=create)
    return invoice


def _new_line(invoice, *, description, quantity, unit_price, tax_rate=ZERO, discount_rate=ZERO,
              kind=InvoiceLine.Kind.SERVICE, catalog_item=None, source_type="", source_id=None,
              credited_line=None, allow_negative=False) -> InvoiceLine:
    quantity = _decimal(quantity, "quantity", places=3)
    if quantity == 0 or (quantity < 0 and not allow_negative):
        raise ValidationError({"quantity": "The quantity must be more than zero."})
    unit_price = _decimal(unit_price, "unit_price", places=2)
    if unit_price < 0:
        raise ValidationError({"unit_price": "A price cannot be negative (correct an invoice with a credit note)."})
    tax_rate, discount_rate = _rate(tax_rate, "tax_rate"), _rate(discount_rate, "discount_rate")
    if not str(description).strip():
        raise ValidationError({"description": "Describe what is billed."})
    if catalog_item is not None and catalog_item.company_id != invoice.company_id:
        raise ValidationError({"catalog_item": "Choose an item of this organization's catalog."})
    amounts = line_amounts(quantity=quantity, unit_price=unit_price, discount_rate=discount_rate, tax_rate=tax_rate)
    if max(abs(amounts.gross), abs(amounts.total)) >= Decimal("1e10"):
        raise ValidationError({"quantity": "This line is too large."})
    position = InvoiceLine.objects.for_company(invoice.company_id).filter(invoice=invoice).count() + 1
    line = InvoiceLine(invoice=invoice, position=position, kind=kind, catalog_item=catalog_item,
                       description=str(description).strip()[:300], quantity=quantity, unit_price=unit_price,
                       tax_rate=tax_rate, discount_rate=discount_rate, gross=amounts.gross,
                       discount=amounts.discount, net=amounts.net, tax=amounts.tax, total=amounts.total,
                       source_type=source_type or "", source_id=source_id, credited_line=credited_line,
                       active=not invoice.is_credit_note)
    line.save()
    return line


def invoice_line_add(*, actor, invoice, description="", quantity=Decimal("1"), unit_price=None,
                     tax_rate=None, discount_rate=ZERO, kind=None, catalog_item=None) -> InvoiceLine:
    """Add a line to a draft. With a catalog item, its name, price and tax rate are the defaults."""
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        _require_draft(invoice)
        if catalog_item is not None:
            description = description or catalog_item.name
            unit_price = catalog_item.unit_price if unit_price in (None, "") else unit_price
            tax_rate = catalog_item.tax_rate if tax_rate in (None, "") else tax_rate
            kind = kind or catalog_item.kind
        if unit_price in (None, ""):
            raise ValidationError({"unit_price": "Enter a price (or choose a catalog item)."})
        before = snapshot(invoice)
        line = _new_line(invoice, description=description, quantity=quantity, unit_price=unit_price,
                         tax_rate=tax_rate if tax_rate not in (None, "") else ZERO,
                         discount_rate=discount_rate if discount_rate not in (None, "") else ZERO,
                         kind=kind or InvoiceLine.Kind.SERVICE, catalog_item=catalog_item)
        _recompute_totals(invoice)
        _save_audited(invoice, actor=actor, verb="add_line", before=before,
                      extra={"line": [None, f"{line.quantity} × {line.unit_price} {line.description}"]})
    return line


def invoice_line_remove(*, actor, line) -> Invoice:
    with transaction.atomic():
        invoice = lock_invoice(line.invoice)
        _require_draft(invoice)
        before = snapshot(invoice)
        description = line.description
        line.delete()
        _recompute_totals(invoice)
        return _save_audited(invoice, actor=actor, verb="remove_line", before=before,
                             extra={"line": [description, None]})


# ------------------------------------------------------------------ from care to invoice
def invoice_from_care(*, actor, patient, site, visits=(), appointments=(), visit_item=None,
                      idempotency_key=None) -> Invoice:
    """A draft from the patient's unbilled visits (priced by ``visit_item``, default the settings')
    and fulfilled appointments (priced by the catalog item of their service type, else its price).
    A visit or appointment on a non-void invoice is refused (the partial unique index
    ``invoice_line_bills_a_source_once`` settles a race); voiding the invoice frees it."""
    visits, appointments = list(visits), list(appointments)
    if not visits and not appointments:
        raise ValidationError({"visits": "Choose at least one visit or appointment to bill."})
    if visits:
        visit_item = visit_item or billing_settings_for(patient.company_id).visit_item
        if visit_item is None:
            raise ValidationError({"visit_item": "Choose the catalog item visits are billed as."})
        if visit_item.company_id != patient.company_id:
            raise ValidationError({"visit_item": "Choose an item of this organization's catalog."})
    for visit in visits:
        if visit.patient_id != patient.pk:
            raise ValidationError({"visits": "Choose this patient's visits."})
    for appointment in appointments:
        if appointment.patient_id != patient.pk:
            raise ValidationError({"appointments": "Choose this patient's appointments."})
        if appointment.status != "fulfilled":
            raise ValidationError({"appointments": "Only a fulfilled appointment is billed."})
    _refuse_billed_encounters(patient.company_id, visits, appointments)
    with transaction.atomic():
        existing = None
        if idempotency_key is not None:
            existing = Invoice.objects.for_company(patient.company_id).filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        invoice = invoice_create(actor=actor, patient=patient, site=site, idempotency_key=idempotency_key)
        invoice = lock_invoice(invoice)
        before = snapshot(invoice)
        try:
            with transaction.atomic():
                for visit in sorted(visits, key=lambda v: v.visited_at):
                    _new_line(invoice, kind=InvoiceLine.Kind.VISIT, catalog_item=visit_item,
                              description=f"{visit_item.name} — visit {timezone.localtime(visit.visited_at):%Y-%m-%d}"
                                          + (f" ({visit.reason})" if visit.reason else ""),
                              quantity=Decimal("1"), unit_price=visit_item.unit_price, tax_rate=visit_item.tax_rate,
                              source_type=InvoiceLine.Source.VISIT, source_id=visit.pk)
                for appointment in appointments:
                    _appointment_line(invoice, appointment)
        except IntegrityError:
            raise ValidationError({"visits": "One of these is already on an invoice (void that invoice to bill it "
                                             "again)."})
        _recompute_totals(invoice)
        return _save_audited(invoice, actor=actor, verb="bill_care", before=before,
                             extra={"visits": [None, [str(v.pk) for v in visits]],
                                    "appointments": [None, [str(a.pk) for a in appointments]]})


def _refuse_billed_encounters(company_id, visits, appointments):
    """A visit and the fulfilled appointment it came from are one encounter: billed once, either way."""
    from apps.billing.selectors import billed_ids
    from apps.scheduling.models import Appointment

    visit_ids = {visit.pk for visit in visits}
    appointment_ids = {appointment.pk for appointment in appointments}
    linked_appointments = {visit.appointment_id for visit in visits if visit.appointment_id} | set(
        Appointment.objects.for_company(company_id).filter(visit__in=visit_ids).values_list("pk", flat=True))
    linked_visits = {appointment.visit_id for appointment in appointments if appointment.visit_id}
    if (linked_appointments & appointment_ids) or (linked_visits & visit_ids):
        raise ValidationError({"appointments": "A visit and the appointment it came from are billed once: "
                                               "choose one of them."})
    billed = InvoiceLine.objects.for_company(company_id).filter(active=True)
    if (billed_ids(company_id, InvoiceLine.Source.APPOINTMENT).filter(source_id__in=linked_appointments).exists()
            or billed.filter(source_type=InvoiceLine.Source.VISIT, source_id__in=linked_visits).exists()):
        raise ValidationError({"visits": "One of these is already on an invoice (void that invoice to bill it "
                                         "again)."})


def appointment_price(appointment):
    """(catalog item or None, unit price, tax rate) for a fulfilled appointment: the catalog item
    linked to its service type (``CatalogItem.service_type``), else the service type's own price
    (untaxed)."""
    service_type = appointment.service_type
    item = CatalogItem.objects.for_company(appointment.company_id).filter(service_type=service_type).first()
    if item is not None:
        return item, item.unit_price, item.tax_rate
    return None, service_type.price or ZERO, ZERO


def _appointment_line(invoice, appointment):
    item, price, tax_rate = appointment_price(appointment)
    when = timezone.localtime(appointment.start)
    description = f"{appointment.service_type.name} — appointment {when:%Y-%m-%d %H:%M}"
    return _new_line(invoice, kind=InvoiceLine.Kind.APPOINTMENT, catalog_item=item, description=description,
                     quantity=Decimal("1"), unit_price=price, tax_rate=tax_rate,
                     source_type=InvoiceLine.Source.APPOINTMENT, source_id=appointment.pk)


# ------------------------------------------------------------------ issue, void, credit
def invoice_issue(*, actor, invoice, issued_on=None, due_on=None) -> Invoice:
    """Draft → issued: the next number of the company and year (gapless: the counter row is locked
    in this transaction), the issue and due dates; the lines are frozen from now on."""
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        _require_draft(invoice)
        issued_on = issued_on or timezone.localdate()
        settings = billing_settings_for(invoice.company_id)
        due_on = due_on or issued_on + datetime.timedelta(days=settings.payment_terms_days)
        if due_on < issued_on:
            raise ValidationError({"due_on": "The due date cannot be before the issue date."})
        if not InvoiceLine.objects.for_company(invoice.company_id).filter(invoice=invoice).exists():
            raise ValidationError("Add at least one line before issuing.")
        before = snapshot(invoice)
        _take_number(invoice, issued_on)
        invoice.status, invoice.issued_on, invoice.due_on = Invoice.Status.ISSUED, issued_on, due_on
        _recompute_totals(invoice)
        _save_audited(invoice, actor=actor, verb="issue", before=before)
        from apps.billing import tasks

        dispatch(tasks.notify_invoice_issued, company_id=str(invoice.company_id), invoice_id=str(invoice.pk))
        return invoice


def invoice_void(*, actor, invoice, reason: str) -> Invoice:
    """Void with a reason. The number stays (never reused); its visits and appointments become
    billable again. An invoice with payments or credit notes is refunded/credited instead."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this invoice is void."})
    with transaction.atomic():
        invoice = lock_invoice(invoice)
        if invoice.is_void:
            raise InvoiceStateError(f"Invoice {invoice} is already void.")
        if invoice.is_credit_note:
            raise InvoiceStateError("A credit note cannot be voided.")
        if invoice.amount_paid != 0 or Payment.objects.for_company(invoice.company_id).filter(invoice=invoice).exists():
            raise InvoiceStateError(f"Invoice {invoice} has payments: refund them before voiding it.")
        if invoice.amount_credited != 0:
            raise InvoiceStateError(f"Invoice {invoice} has credit notes and cannot be voided.")
        before = snapshot(invoice)
        for line in InvoiceLine.objects.for_company(invoice.company_id).filter(invoice=invoice, active=True):
            line.active = False
            line.save(update_fields=["active", "updated_at"])
        invoice.status, invoice.voided_at, invoice.voided_by = Invoice.Status.VOID, timezone.now(), actor
        invoice.void_reason = reason[:300]
        return _save_audited(invoice, actor=actor, verb="void", before=before)


def credit_note_create(*, actor, invoice, lines, reason: str, issued_on=None) -> Invoice:
    """An issued credit note against ``invoice``: ``lines`` is [(original line, quantity to credit)];
    each credit line is the original with the quantity negated (same price, rates and rule). The
    credit may not exceed what is still owed (refund a payment first) nor a line's quantity."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is credited."})
    lines = [(line, _decimal(quantity, "quantity", places=3)) for line, quantity in lines]
    lines = [(line, quantity) for line, quantity in lines if quantity != 0]
    if not lines:
        raise ValidationError({"lines": "Choose at least one line to credit."})
    with transaction.atomic():
        original = lock_invoice(invoice)
        if original.is_credit_note or original.is_draft or original.is_void:
            raise InvoiceStateError(f"Only an issued invoice can be credited ({original} is "
                                    f"{original.get_status_display().lower()}).")
        from django.db.models import Sum

        already = dict(InvoiceLine.objects.for_company(original.company_id)
                       .filter(credited_line__invoice=original).values("credited_line")
                       .annotate(q=Sum("quantity")).values_list("credited_line", "q"))
        for line, quantity in lines:
            if line.invoice_id != original.pk:
                raise ValidationError({"lines": "Choose lines of this invoice."})
            left = line.quantity + (already.get(line.pk) or 0)
            if quantity < 0 or quantity > left:
                raise ValidationError({"lines": f"“{line.description}”: credit between 0 and {left}."})
        issued_on = issued_on or timezone.localdate()
        note = Invoice(kind=Invoice.Kind.CREDIT_NOTE, credit_of=original, patient=original.patient,
                       site=original.site, case=original.case, currency=original.currency, created_by=actor,
                       notes=reason[:500])
        note.save()
        for line, quantity in lines:
            _new_line(note, description=f"Credit: {line.description}", quantity=-quantity,
                      unit_price=line.unit_price, tax_rate=line.tax_rate, discount_rate=line.discount_rate,
                      kind=line.kind, catalog_item=line.catalog_item, credited_line=line, allow_negative=True)
        _recompute_totals(note)
        if -note.total > original.balance:
            raise ValidationError({"lines": f"This credit ({-note.total}) is more than what is still owed "
                                            f"({original.balance}); refund a payment first."})
        _take_number(note, issued_on)
        note.status, note.issued_on, note.due_on = Invoice.Status.ISSUED, issued_on, issued_on
        note._history_user = actor
        note.save()
        audit_log_record(company=note.company_id, actor=actor, action="credit_note.issue", entity=note,
                         changes=snapshot(note))
        before = snapshot(original)
        original.amount_credited += -note.total
        _settle(original)
        _save_audited(original, actor=actor, verb="credit", before=before,
                      extra={"credit_note": [None, note.number], "reason": [None, reason]})
    return note


# ------------------------------------------------------------------ payments and refunds
def payment_record(*, actor, invoice, amount, method, received_at=None, reference: str = "",
                   kind=Payment.Kind.PAYMENT, idempotency_key=None) -> Payment:
    """A payment (or refund) against an issued invoice. Refused — and nothing changes — when the
    amount is zero or less, more than the balance (a payment) or more than what was paid (a refund).
    The check runs under the invoice's row lock; the database re-checks (``payment_amount_positive``,
    ``invoice_never_overpaid_or_overcredited``)."""
    amount = _decimal(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than zero."})
    if amount != money(amount):
        raise ValidationError({"amount": "Use at most 2 decimal places."})
    if method not in Payment.Method.values:
        raise ValidationError({"method": "Choose cash, card, bank transfer or insurance."})
    if kind not in Payment.Kind.values:
        raise ValidationError({"kind": "Choose payment or refund."})
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": "A payment cannot be received in the future."})

    with transaction.atomic():
        if idempotency_key is not None:
            existing = Payment.objects.for_company(invoice.company_id).filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        locked = lock_invoice(invoice)
        if locked.is_credit_note or locked.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
            raise InvoiceStateError(f"Invoice {locked} is {locked.get_status_display().lower()}: "
                                    "payments go against an issued invoice.")
        if kind == Payment.Kind.PAYMENT and amount > locked.balance:
            raise ValidationError({"amount": f"This is more than the balance of {locked.balance} {locked.currency}."})
        if kind == Payment.Kind.REFUND and amount > locked.amount_paid:
            raise ValidationError({"amount": f"A refund cannot exceed what was paid ({locked.amount_paid} "
                                             f"{locked.currency})."})

        def create():
            payment = Payment(invoice=locked, kind=kind, amount=amount, method=method, received_at=received_at,
                              reference=str(reference or "")[:100], recorded_by=actor, idempotency_key=idempotency_key)
            payment._history_user = actor
            payment.save()
            return payment

        payment, created = replay_or_create(Payment.objects.for_company(locked.company_id),
                                            key_field="idempotency_key", key=idempotency_key, create=create)
        if not created:
            return payment
        before = snapshot(locked)
        locked.amount_paid += payment.signed_amount
        _settle(locked)
        locked._history_user = actor
        locked.save()
        changes = model_changes(locked, before)
        changes.update({"amount": [None, str(amount)], "method": [None, method], "invoice": [None, locked.number]})
        audit_log_record(company=locked.company_id, actor=actor, action=f"payment.{'refund' if kind == 'refund' else 'record'}",
                         entity=payment, changes=changes)
    return payment
