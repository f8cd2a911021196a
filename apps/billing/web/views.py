"""Billing pages. Objects come through apps.billing.access (404 outside the company, 403 without
the code); writes go through the services; every page showing a patient's bill is access-logged."""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.audit.access import access_log_record
from apps.audit.models import AccessLog
from apps.billing import access, pdf, selectors, services
from apps.billing.models import Invoice
from apps.billing.web import forms
from apps.core.downloads import download_name, spreadsheet_response
from apps.core.forms import apply_service_errors, uuid_param
from apps.tenants.access import company_of


def _sites(user, code=access.VIEW):
    from apps.clinical.selectors.patients import sites_with

    return sites_with(user=user, code=code)


def _site_filter(request):
    site_id = uuid_param(request, "site")
    return access.get_site_for_user(request.user, site_id) if site_id else None


def _day_param(request, name):
    raw = request.GET.get(name) or None
    if raw is None:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"?{name}= must be a date (YYYY-MM-DD)")


def _pdf_response(data: bytes, name: str, *, inline=True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}.pdf"'
    return response


# ------------------------------------------------------------------ lists and catalog
@login_required
@require_GET
def home(request):
    """Invoices of the company (filter by clinic and status), with the links to the reports."""
    company = company_of(request.user)
    access.require_view(request.user)
    site = _site_filter(request)
    status = request.GET.get("status") or None
    if status not in (None, *Invoice.Status.values):
        raise BadRequest("Unknown status")
    page = Paginator(selectors.invoices(company=company, site=site, status=status), 25).get_page(
        request.GET.get("page"))
    _log_patients(request, [invoice.patient for invoice in page], AccessLog.Action.LIST)
    return render(request, "billing/home.html", {
        "page": page, "sites": _sites(request.user), "site": site, "status": status,
        "statuses": Invoice.Status.choices, "can_manage": access.can_manage_billing(request.user)})


@login_required
def catalog(request):
    company = company_of(request.user)
    access.require_view(request.user)
    can_manage = access.can_manage_billing(request.user)
    form = forms.CatalogItemForm(request.POST or None, company=company)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("needs billing.manage")
        if form.is_valid():
            try:
                item = services.catalog_item_create(actor=request.user, company=company, data=form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Added {item}.")
                return redirect("billing:catalog")
    return render(request, "billing/catalog.html", {
        "items": selectors.catalog(company=company), "form": form, "can_manage": can_manage})


@login_required
def catalog_edit(request, item_id):
    item = access.get_catalog_item_for_user(request.user, item_id, manage=True)
    form = forms.CatalogItemForm(request.POST or None, instance=item, company=item.company_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_item_update(actor=request.user, item=item, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Saved {item}.")
            return redirect("billing:catalog")
    return render(request, "billing/catalog_edit.html", {"form": form, "item": item})


# ------------------------------------------------------------------ the patient's account
@login_required
@require_GET
def patient_account(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id)
    account = selectors.patient_account(patient=patient)
    access.log_patient_access(request, patient, "billing account")
    return render(request, "billing/account.html", {
        "patient": patient, **account, "can_manage": access.can_manage_billing(request.user)})


@login_required
def invoice_new(request, patient_id):
    """A draft from the patient's unbilled visits (and fulfilled appointments), or an empty draft."""
    patient = access.get_patient_for_user(request.user, patient_id)
    access.require_code(request.user, access.MANAGE)
    company = patient.company_id
    replayed = _replayed_invoice(request, patient)
    if replayed is not None:  # a double submit: the first one's draft (its visits are no longer unbilled)
        return redirect("billing:invoice_detail", invoice_id=replayed.pk)
    settings = services.billing_settings_for(company)
    visits = list(selectors.unbilled_visits(patient=patient))
    appointments = list(selectors.unbilled_appointments(patient=patient))
    form = forms.FromCareForm(
        request.POST or None, sites=_sites(request.user, access.MANAGE),
        items=selectors.catalog(company=company, active_only=True), visits=visits, appointments=appointments,
        initial={"site": patient.home_site_id, "visit_item": settings.visit_item_id, "idempotency_key": uuid.uuid4(),
                 "visits": [str(v.pk) for v in visits], "appointments": [str(a.pk) for a in appointments]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen_visits = [form.visit_rows[key] for key in data["visits"]]
        chosen_appointments = [form.appointment_rows[key] for key in data.get("appointments", [])]
        try:
            if chosen_visits or chosen_appointments:
                invoice = services.invoice_from_care(
                    actor=request.user, patient=patient, site=data["site"], visits=chosen_visits,
                    appointments=chosen_appointments, visit_item=data["visit_item"],
                    idempotency_key=data["idempotency_key"])
            else:
                invoice = services.invoice_create(actor=request.user, patient=patient, site=data["site"],
                                                  idempotency_key=data["idempotency_key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Draft invoice created.")
            return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    access.log_patient_access(request, patient, "billing unbilled care")
    return render(request, "billing/invoice_new.html", {"form": form, "patient": patient})


def _replayed_invoice(request, patient):
    if request.method != "POST":
        return None
    try:
        key = uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return None
    return selectors.invoices(company=patient.company_id, patient=patient).filter(idempotency_key=key).first()


# ------------------------------------------------------------------ one invoice
def _detail(request, invoice, *, status=200, **bound):
    lines = list(selectors.invoice_lines(invoice))
    payments = list(selectors.invoice_payments(invoice))
    can_manage = access.can_manage_billing(request.user, invoice.site_id)
    company = invoice.company_id
    context = {
        "invoice": invoice, "patient": invoice.patient, "lines": lines, "payments": payments,
        "can_manage": can_manage,
        "credit_notes": list(invoice.credit_notes.filter(company=company).order_by("created_at"))
        if not invoice.is_credit_note else [],
        "line_form": bound.get("line_form") or forms.InvoiceLineForm(
            items=selectors.catalog(company=company, active_only=True)),
        "issue_form": bound.get("issue_form") or forms.IssueForm(),
        "payment_form": bound.get("payment_form") or forms.PaymentForm(initial={"idempotency_key": uuid.uuid4()}),
    }
    access.log_patient_access(request, invoice.patient, "billing invoice")
    return render(request, "billing/invoice_detail.html", context, status=status)


@login_required
@require_GET
def invoice_detail(request, invoice_id):
    return _detail(request, access.get_invoice_for_user(request.user, invoice_id))


def _state_error(request, invoice, error):
    messages.error(request, str(error))
    return redirect("billing:invoice_detail", invoice_id=invoice.pk)


@login_required
@require_POST
def invoice_line_add(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    form = forms.InvoiceLineForm(request.POST, items=selectors.catalog(company=invoice.company_id, active_only=True))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.invoice_line_add(actor=request.user, invoice=invoice, catalog_item=data["catalog_item"],
                                      description=data["description"], quantity=data["quantity"],
                                      unit_price=data["unit_price"], tax_rate=data["tax_rate"],
                                      discount_rate=data["discount_rate"])
        except services.InvoiceStateError as error:
            return _state_error(request, invoice, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    return _detail(request, invoice, line_form=form)


@login_required
@require_POST
def invoice_line_remove(request, invoice_id, line_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    line = access.get_line_for_user(request.user, invoice, line_id)
    try:
        services.invoice_line_remove(actor=request.user, line=line)
    except services.InvoiceStateError as error:
        return _state_error(request, invoice, error)
    return redirect("billing:invoice_detail", invoice_id=invoice.pk)


@login_required
@require_POST
def invoice_issue(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    form = forms.IssueForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.invoice_issue(actor=request.user, invoice=invoice, issued_on=form.cleaned_data["issued_on"],
                                             due_on=form.cleaned_data["due_on"])
        except services.InvoiceStateError as error:
            return _state_error(request, invoice, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Issued invoice {invoice.number}.")
            return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    return _detail(request, invoice, issue_form=form)


@login_required
def invoice_void(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    form = forms.VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_void(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except services.InvoiceStateError as error:
            return _state_error(request, invoice, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Invoice {invoice} is void; its visits can be billed again.")
            return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    return render(request, "billing/invoice_void.html", {"form": form, "invoice": invoice, "patient": invoice.patient})


@login_required
def invoice_credit(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    lines = list(selectors.invoice_lines(invoice))
    form = forms.CreditNoteForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.credit_note_create(actor=request.user, invoice=invoice, lines=form.chosen(),
                                               reason=form.cleaned_data["reason"])
        except services.InvoiceStateError as error:
            return _state_error(request, invoice, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Credit note {note.number} issued.")
            return redirect("billing:invoice_detail", invoice_id=note.pk)
    return render(request, "billing/invoice_credit.html", {"form": form, "invoice": invoice,
                                                           "patient": invoice.patient})


@login_required
@require_POST
def invoice_payment(request, invoice_id):
    """Record a payment or refund: the service refuses ≤ 0 and over-balance beside the amount."""
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(actor=request.user, invoice=invoice, amount=data["amount"],
                                              method=data["method"], received_at=data["received_at"],
                                              reference=data["reference"], kind=data["kind"],
                                              idempotency_key=data["idempotency_key"])
        except services.InvoiceStateError as error:
            return _state_error(request, invoice, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Recorded {payment.get_kind_display().lower()} of {payment.amount}.")
            return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    return _detail(request, access.get_invoice_for_user(request.user, invoice_id), payment_form=form)


@login_required
@require_GET
def invoice_pdf(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id)
    data = pdf.invoice_pdf(invoice, selectors.invoice_lines(invoice), selectors.invoice_payments(invoice))
    access.log_patient_access(request, invoice.patient, "export billing invoice pdf")
    return _pdf_response(data, invoice.number or f"draft-{str(invoice.pk)[:8]}")


@login_required
@require_GET
def receipt_pdf(request, payment_id):
    payment = access.get_payment_for_user(request.user, payment_id)
    access.log_patient_access(request, payment.invoice.patient, "export billing receipt pdf")
    return _pdf_response(pdf.receipt_pdf(payment), f"receipt-{payment.invoice.number}-{str(payment.pk)[:8]}")


# ------------------------------------------------------------------ reports and exports
@login_required
@require_GET
def aging(request):
    company = company_of(request.user)
    access.require_view(request.user)
    site = _site_filter(request)
    today = _day_param(request, "day") or timezone.localdate()
    rows = selectors.aging_report(company=company, today=today, site=site)
    totals = {key: sum((row[key] for row in rows), 0) for key, _ in selectors.AGING_BUCKETS + [("total", "")]}
    return render(request, "billing/aging.html", {"rows": rows, "buckets": selectors.AGING_BUCKETS, "totals": totals,
                                                  "today": today, "site": site, "sites": _sites(request.user)})


@login_required
@require_GET
def takings(request):
    company = company_of(request.user)
    access.require_view(request.user)
    site = _site_filter(request)
    day = _day_param(request, "day") or timezone.localdate()
    report = selectors.daily_takings(company=company, day=day, site=site)
    return render(request, "billing/takings.html", {**report, "site": site, "sites": _sites(request.user)})


EXPORTS = ("invoices", "lines", "payments")


def _log_patients(request, patients, action):
    """One access-log entry per patient whose bills were listed or exported (already loaded: no query)."""
    unique = list({patient.pk: patient for patient in patients}.values())
    if unique:
        access_log_record(actor=request.user, obj_or_queryset=unique, action=action, request=request)


@login_required
@require_GET
def export(request, kind):
    """CSV (or ?format=xlsx) of invoices, lines or payments, through apps.core.downloads."""
    if kind not in EXPORTS:
        raise Http404("No such export")
    company = company_of(request.user)
    access.require_view(request.user)
    site = _site_filter(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if kind == "invoices":
        header = ["number", "kind", "status", "patient_mrn", "patient", "site", "issued_on", "due_on", "currency",
                  "subtotal", "discount_total", "tax_total", "total", "amount_paid", "amount_credited", "balance",
                  "credit_of"]
        objects = list(selectors.invoices(company=company, site=site).select_related("credit_of")
                       .exclude(status=Invoice.Status.DRAFT).order_by("number"))
        patients = [i.patient for i in objects]
        rows = ([i.number, i.kind, i.status, i.patient.mrn, i.patient.full_name, i.site.name, i.issued_on, i.due_on,
                 i.currency, i.subtotal, i.discount_total, i.tax_total, i.total, i.amount_paid, i.amount_credited,
                 i.balance, i.credit_of.number if i.credit_of_id else ""] for i in objects)
    elif kind == "lines":
        header = ["invoice", "position", "kind", "description", "quantity", "unit_price", "discount_rate",
                  "tax_rate", "gross", "discount", "net", "tax", "total"]
        objects = list(selectors.lines(company=company, site=site))
        patients = [line.invoice.patient for line in objects]
        rows = ([line.invoice.number, line.position, line.kind, line.description, line.quantity, line.unit_price,
                 line.discount_rate, line.tax_rate, line.gross, line.discount, line.net, line.tax, line.total]
                for line in objects)
    else:
        header = ["invoice", "kind", "amount", "method", "received_at", "reference", "patient_mrn", "site"]
        objects = list(selectors.payments(company=company, site=site))
        patients = [p.invoice.patient for p in objects]
        rows = ([p.invoice.number, p.kind, p.amount, p.method, timezone.localtime(p.received_at).isoformat(),
                 p.reference, p.invoice.patient.mrn, p.invoice.site.name] for p in objects)
    _log_patients(request, patients, AccessLog.Action.EXPORT)
    return spreadsheet_response(name=download_name(company.subdomain, site.name if site else "", f"billing-{kind}"),
                                header=header, rows=rows, fmt=fmt)


# ------------------------------------------------------------------ the patient portal
@login_required
@require_GET
def portal(request):
    patient = access.portal_patient_for(request.user)
    account = selectors.patient_account(patient=patient)
    invoices = [i for i in account["invoices"] if not i.is_draft]
    access.log_patient_access(request, patient, "portal billing")
    return render(request, "billing/portal.html", {"patient": patient, "invoices": invoices,
                                                   "payments": account["payments"], "balance": account["balance"]})


@login_required
@require_GET
def portal_invoice_pdf(request, invoice_id):
    invoice = access.get_portal_invoice_for_user(request.user, invoice_id)
    data = pdf.invoice_pdf(invoice, selectors.invoice_lines(invoice), selectors.invoice_payments(invoice))
    access.log_patient_access(request, invoice.patient, "export portal billing invoice pdf")
    return _pdf_response(data, invoice.number, inline=False)

