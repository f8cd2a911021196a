"""The PDF invoice and receipt, drawn with fpdf2 (pure Python: no system packages). The clinic's
name and address head each page. fpdf2's core fonts are Latin-1: other characters are replaced."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

NEXT = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


def _text(value) -> str:
    text = str(value if value is not None else "")
    for dash in ("\u2013", "\u2014"):
        text = text.replace(dash, "-")
    return text.encode("latin-1", "replace").decode("latin-1")


def _money(amount, currency) -> str:
    return f"{amount:,.2f} {currency}"


class _Document(FPDF):
    def __init__(self, site, title):
        super().__init__(format="A4")
        self.site, self.doc_title = site, title
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(_text(title))
        self.set_author(_text(site.name))
        self.add_page()

    def header(self):
        self.set_font("Helvetica", "B", 14)
        self.cell(0, 8, _text(self.site.name), **NEXT)
        self.set_font("Helvetica", "", 9)
        for line in (self.site.address or "").splitlines():
            self.cell(0, 5, _text(line), **NEXT)
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, _text(f"{self.doc_title} - page {self.page_no()}"), align="C")

    def pair(self, label, value, bold=False):
        self.set_font("Helvetica", "B" if bold else "", 10)
        self.cell(120, 6, _text(label))
        self.cell(0, 6, _text(value), align="R", **NEXT)


def invoice_pdf(invoice, lines, payments) -> bytes:
    kind = invoice.get_kind_display()
    doc = _Document(invoice.site, f"{kind} {invoice.number or 'DRAFT'}")
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, _text(f"{kind} {invoice.number or '(draft)'}"), **NEXT)
    doc.set_font("Helvetica", "", 10)
    patient = invoice.patient
    doc.cell(0, 6, _text(f"Patient: {patient.full_name} (MRN {patient.mrn})"), **NEXT)
    address = ", ".join(p for p in (patient.address_line, patient.city, patient.postal_code) if p)
    if address:
        doc.cell(0, 6, _text(address), **NEXT)
    if invoice.issued_on:
        doc.cell(0, 6, f"Issued: {invoice.issued_on:%Y-%m-%d}    Due: {invoice.due_on:%Y-%m-%d}", **NEXT)
    if invoice.credit_of_id:
        doc.cell(0, 6, _text(f"Credit note for invoice {invoice.credit_of.number}"), **NEXT)
    doc.cell(0, 6, _text(f"Status: {invoice.get_status_display()}"), **NEXT)
    doc.ln(3)
    widths = (80, 18, 24, 16, 16, 26)
    doc.set_font("Helvetica", "B", 9)
    for width, title in zip(widths, ("Description", "Qty", "Unit price", "Disc.", "Tax", "Line total")):
        doc.cell(width, 7, title, border="B", align="L" if title == "Description" else "R")
    doc.ln()
    doc.set_font("Helvetica", "", 9)
    for line in lines:
        cells = (_text(line.description)[:48], f"{line.quantity.normalize():f}", f"{line.unit_price:,.2f}",
                 f"{line.discount_rate * 100:.2f}%", f"{line.tax_rate * 100:.2f}%", f"{line.total:,.2f}")
        for index, (width, value) in enumerate(zip(widths, cells)):
            doc.cell(width, 6, value, align="L" if index == 0 else "R")
        doc.ln()
    doc.ln(3)
    currency = invoice.currency
    doc.pair("Subtotal", _money(invoice.subtotal, currency))
    doc.pair("Discount", _money(-invoice.discount_total, currency))
    doc.pair("Tax", _money(invoice.tax_total, currency))
    doc.pair("Total", _money(invoice.total, currency), bold=True)
    if not invoice.is_credit_note:
        for payment in payments:
            doc.pair(f"{payment.get_kind_display()} {payment.received_at:%Y-%m-%d} ({payment.get_method_display()})",
                     _money(-payment.signed_amount, currency))
        if invoice.amount_credited:
            doc.pair("Credited", _money(-invoice.amount_credited, currency))
        doc.pair("Balance due", _money(invoice.balance, currency), bold=True)
    if invoice.is_void:
        doc.ln(4)
        doc.set_font("Helvetica", "B", 12)
        doc.cell(0, 8, _text(f"VOID: {invoice.void_reason}"), **NEXT)
    return bytes(doc.output())


def receipt_pdf(payment) -> bytes:
    invoice = payment.invoice
    title = "Refund" if payment.kind == payment.Kind.REFUND else "Receipt"
    doc = _Document(invoice.site, f"{title} for {invoice.number}")
    doc.set_font("Helvetica", "B", 16)
    doc.cell(0, 10, title, **NEXT)
    doc.set_font("Helvetica", "", 10)
    doc.pair("Receipt reference", str(payment.pk)[:8].upper())
    doc.pair("Patient", f"{invoice.patient.full_name} (MRN {invoice.patient.mrn})")
    doc.pair("Invoice", invoice.number)
    doc.pair("Received" if title == "Receipt" else "Paid back", f"{payment.received_at:%Y-%m-%d %H:%M}")
    doc.pair("Method", payment.get_method_display())
    if payment.reference:
        doc.pair("Reference", payment.reference)
    doc.pair("Amount", _money(payment.amount, invoice.currency), bold=True)
    doc.pair("Invoice balance now", _money(invoice.balance, invoice.currency))
    return bytes(doc.output())
