"""Billing (issue 14): the catalog, invoices with their lines (snapshotted at issue), credit notes,
payments and refunds, and the per-company-per-year invoice counter.

Money is ``Decimal(12, 2)`` everywhere; the arithmetic is ``apps.billing.arithmetic``. The amounts an
invoice carries (subtotal … total, paid, credited, balance) are stored, written only by the services
under a lock of the invoice row, and tied together by check constraints:
``balance = total − amount_credited − amount_paid`` and ``balance ≥ 0`` on invoices, so neither an
overpayment nor an over-credit can be stored whatever the code path.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.scoping import TenantModel
from apps.tenants.models import TimestampedModel

__all__ = ["BillingSettings", "CatalogItem", "Invoice", "InvoiceCounter", "InvoiceLine", "Payment"]

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 4}
ZERO = Decimal("0.00")


class BillingSettings(TenantModel, TimestampedModel):
    """One row per company: the invoice number prefix (``NW`` → ``NW-2026-000123``), the currency,
    the payment terms and the catalog item a visit is billed with."""

    invoice_prefix = models.CharField(max_length=10)
    currency = models.CharField(max_length=3, default="USD")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    visit_item = models.ForeignKey("billing.CatalogItem", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="What a clinical visit is billed as")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [models.UniqueConstraint(fields=["company"], name="billing_settings_one_per_company")]

    def __str__(self):
        return f"Billing settings ({self.invoice_prefix})"


class CatalogItem(TenantModel, TimestampedModel):
    """A product or service the company sells (seed 004 ProductService)."""

    class Kind(models.TextChoices):
        SERVICE = "service", "Service"
        PRODUCT = "product", "Product"

    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    unit_price = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(**RATE, default=ZERO, help_text="A fraction: 0.2000 = 20 %")
    is_active = models.BooleanField("active", default=True)
    service_type = models.OneToOneField("scheduling.ServiceType", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="catalog_item",
                                        help_text="The bookable service this item prices (else its own price)")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="catalog_item_unique_code"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="catalog_item_price_not_negative"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="catalog_item_tax_rate_0_1"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"


class InvoiceCounter(TenantModel, TimestampedModel):
    """The last number given in ``year`` (gapless: taken under ``SELECT … FOR UPDATE`` in the
    transaction that issues the invoice, so a rollback gives the number back)."""

    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="invoice_counter_one_per_year")]

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(TenantModel, TimestampedModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    company_from = "patient"
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    patient = models.ForeignKey("clinical.Patient", on_delete=models.PROTECT, related_name="invoices")
    case = models.ForeignKey("clinical.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("tenants.Site", on_delete=models.PROTECT, related_name="+",
                             help_text="The clinic that bills (its name and address are on the PDF)")
    credit_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="credit_notes", help_text="The invoice a credit note corrects")
    number = models.CharField(max_length=40, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(max_length=3, default="USD")
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    subtotal = models.DecimalField(**MONEY, default=ZERO, editable=False)
    discount_total = models.DecimalField(**MONEY, default=ZERO, editable=False)
    tax_total = models.DecimalField(**MONEY, default=ZERO, editable=False)
    total = models.DecimalField(**MONEY, default=ZERO, editable=False)
    amount_paid = models.DecimalField(**MONEY, default=ZERO, editable=False, help_text="Payments less refunds")
    amount_credited = models.DecimalField(**MONEY, default=ZERO, editable=False,
                                          help_text="Issued credit notes against this invoice")
    balance = models.DecimalField(**MONEY, default=ZERO, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_by = models.ForeignKey("tenants.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  editable=False)
    void_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+", editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], condition=~Q(number=""),
                                    name="invoice_unique_number"),
            models.UniqueConstraint(fields=["company", "number_year", "number_sequence"],
                                    condition=Q(number_sequence__isnull=False), name="invoice_unique_sequence"),
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="invoice_unique_idempotency_key"),
            models.CheckConstraint(condition=Q(status__in=["draft", "void"]) | ~Q(number=""),
                                   name="invoice_numbered_once_issued"),  # a discarded draft is void, unnumbered
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(balance=F("total") - F("amount_credited") - F("amount_paid")),
                name="invoice_balance_is_total_less_credits_and_payments"),
            models.CheckConstraint(
                condition=Q(kind="credit_note") | Q(balance__gte=0, amount_paid__gte=0, amount_credited__gte=0),
                name="invoice_never_overpaid_or_overcredited"),
            models.CheckConstraint(condition=Q(kind="invoice", credit_of__isnull=True)
                                   | Q(kind="credit_note", credit_of__isnull=False, total__lte=0),
                                   name="invoice_credit_note_references_original"),
            models.CheckConstraint(condition=~Q(status="void") | ~Q(void_reason=""), name="invoice_void_has_reason"),
        ]
        indexes = [
            models.Index(fields=["company", "patient", "status"], name="invoice_patient_status"),
            models.Index(fields=["company", "site", "status", "issued_on"], name="invoice_site_status"),
        ]

    def __str__(self):
        return self.number or f"Draft {str(self.pk)[:8]}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_void(self) -> bool:
        return self.status == self.Status.VOID

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_open(self) -> bool:
        """Issued, not void, something still owed."""
        return self.status in (self.Status.ISSUED, self.Status.PARTIALLY_PAID) and not self.is_credit_note


class InvoiceLine(TenantModel, TimestampedModel):
    """One line. Amounts are computed by ``arithmetic.line_amounts`` when the line is written and
    never change after the invoice is issued (the snapshot). ``source_type``/``source_id`` name
    the visit or appointment it bills; ``active`` (cleared when the invoice is voided, never set on
    credit notes) makes that reference unique among non-void invoices."""

    class Kind(models.TextChoices):
        SERVICE = "service", "Service"
        PRODUCT = "product", "Product"
        VISIT = "visit", "Visit"
        APPOINTMENT = "appointment", "Appointment"
        ADJUSTMENT = "adjustment", "Other"

    class Source(models.TextChoices):
        NONE = "", "—"
        VISIT = "visit", "Visit"
        APPOINTMENT = "appointment", "Appointment"

    company_from = "invoice"
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SERVICE)
    catalog_item = models.ForeignKey(CatalogItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(**RATE, default=ZERO)
    discount_rate = models.DecimalField(**RATE, default=ZERO)
    gross = models.DecimalField(**MONEY, editable=False)
    discount = models.DecimalField(**MONEY, editable=False)
    net = models.DecimalField(**MONEY, editable=False)
    tax = models.DecimalField(**MONEY, editable=False)
    total = models.DecimalField(**MONEY, editable=False)
    source_type = models.CharField(max_length=12, choices=Source.choices, blank=True, default="")
    source_id = models.UUIDField(null=True, blank=True)
    active = models.BooleanField(default=True, editable=False)
    credited_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="credits", editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "source_type", "source_id"],
                                    condition=Q(active=True, source_id__isnull=False),
                                    name="invoice_line_bills_a_source_once"),
            models.CheckConstraint(condition=Q(source_type="", source_id__isnull=True)
                                   | (~Q(source_type="") & Q(source_id__isnull=False)),
                                   name="invoice_line_source_type_and_id_together"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="invoice_line_price_not_negative"),
            models.CheckConstraint(condition=~Q(quantity=0), name="invoice_line_quantity_not_zero"),
            models.CheckConstraint(condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="invoice_line_tax_rate_0_1"),
            models.CheckConstraint(condition=Q(discount_rate__gte=0, discount_rate__lte=1),
                                   name="invoice_line_discount_rate_0_1"),
            models.CheckConstraint(condition=Q(net=F("gross") - F("discount"), total=F("net") + F("tax")),
                                   name="invoice_line_amounts_add_up"),
        ]

    def __str__(self):
        return self.description


class Payment(TenantModel, TimestampedModel):
    """A payment received against an invoice, or a refund paid back (its own entry; the amount is
    positive either way, the kind says which way the money went)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        INSURANCE = "insurance", "Insurance"

    company_from = "invoice"
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.DecimalField(**MONEY)
    method = models.CharField(max_length=15, choices=Method.choices)
    received_at = models.DateTimeField()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey("tenants.User", on_delete=models.PROTECT, related_name="+", editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["company", "idempotency_key"], name="payment_unique_idempotency_key"),
        ]
        indexes = [models.Index(fields=["company", "received_at"], name="payment_received")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.get_method_display()})"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == self.Kind.PAYMENT else -self.amount
