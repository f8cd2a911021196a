"""Admin for platform superusers: the catalog, wards and beds are editable (audited by PlatformAdmin);
the clinical rows (admissions, orders, prescriptions, the MAR, the stock ledger) are read-only here —
they change only through the services, which keep the beds, the ledger and the constraints in step."""

from django.contrib import admin

from apps.audit.platform_admin import PlatformAdmin, ReadOnlyAdmin
from apps.hospital.models import (
    Admission,
    Bed,
    Dispense,
    Dose,
    Draft,
    InventoryItem,
    LabOrder,
    LabTest,
    Prescription,
    StockLot,
    StockMove,
    Ward,
)


@admin.register(Ward)
class WardAdmin(PlatformAdmin):
    list_display = ["name", "site", "floor", "speciality", "is_active", "company"]
    raw_id_fields = ["site"]


@admin.register(Bed)
class BedAdmin(ReadOnlyAdmin):
    list_display = ["label", "ward", "status", "company"]
    list_filter = ["status"]


@admin.register(LabTest)
class LabTestAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "loinc_code", "is_active", "company"]


for model, columns in ((Admission, ["patient", "site", "status", "admitted_at", "discharged_at"]),
                       (Draft, ["title", "kind", "status", "author", "reviewer"]),
                       (LabOrder, ["patient", "site", "urgency", "status", "ordered_at"]),
                       (Prescription, ["medication", "patient", "status", "start_at"]),
                       (Dispense, ["prescription", "quantity", "dispensed_at"]),
                       (Dose, ["prescription", "due_at", "status", "given_at"]),
                       (InventoryItem, ["name", "site", "kind", "level", "reorder_threshold"]),
                       (StockLot, ["lot_number", "item", "expiry_date", "level"]),
                       (StockMove, ["item", "lot", "kind", "quantity", "item_balance", "moved_at"])):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": columns}))
