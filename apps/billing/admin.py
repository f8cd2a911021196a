"""Admin for platform superusers: the catalog and settings are editable (audited by PlatformAdmin);
invoices, lines and payments are read-only here — they change only through the services."""

from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin, ReadOnlyAdmin
from apps.billing.models import BillingSettings, CatalogItem, Invoice, InvoiceLine, Payment


@admin.register(BillingSettings)
class BillingSettingsAdmin(PlatformAdmin):
    list_display = ["company", "invoice_prefix", "currency", "payment_terms_days"]
    raw_id_fields = ["visit_item"]


@admin.register(CatalogItem)
class CatalogItemAdmin(PlatformAdmin):
    list_display = ["code", "name", "kind", "unit_price", "tax_rate", "is_active", "company"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]



@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "status", "patient", "total", "balance", "issued_on", "company"]
    list_filter = ["status", "kind"]
    search_fields = ["number"]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "description", "quantity", "unit_price", "total"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "kind", "amount", "method", "received_at"]
    list_filter = ["kind", "method"]
