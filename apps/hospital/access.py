"""Who may see and do what on the hospital floor — the one place pages, the API and FHIR ask.

Objects come through ``get_<obj>_for_user``: another company's object is a 404 (existence never
leaks), the right company without the permission code at the object's site a 403. Codes are read
with ``apps.clinical.access.user_has_code`` (RolePermission rows, never role names). Patient records
are the company's (seed 002 "global EMR"): reading an admission, result or prescription needs the
code at *some* site of the company; acting on it needs the code at its site.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404

from apps.clinical.access import (
    clinical_codes,
    get_in_company_or_404,
    log_patient_access,
    require_code,
    user_has_code,
)
from apps.clinical.access import get_site_for_user as clinical_site_for_user
from apps.core.access import company_of
from apps.core.prepared import prepared

__all__ = ["clinical_codes", "log_patient_access", "user_has_code"]


def _need(user, code, site=None):
    if not user_has_code(user, code, site):
        raise PermissionDenied(f"needs {code}")


# ------------------------------------------------------------------ sites, wards, beds
# The ward (with its site) is read on every MAR: one prepared query
# (apps.core.prepared: the ORM's SQL compiled once, scoped to the user's company), every concrete
# column, made into the same model instances ``.get()`` (and ``select_related("site")``) would return.
def _columns(model, prefix=""):
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields]


def _ward_row(company_id, pk):
    from apps.hospital.models import Ward
    from apps.tenants.models import Site

    return (Ward.objects.for_company(company_id).filter(pk=pk)
            .values(*_columns(Ward), *_columns(Site, "site__")))


_ward_rows = prepared(_ward_row)


def _instance(model, row, prefix=""):
    names = _columns(model)
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + name] for name in names])


def _one_row_or_404(rows, user, pk, what: str) -> dict:
    """The row of ``rows`` (a prepared read by company and id) with id ``pk`` in the user's company."""
    company_of(user)
    try:
        pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except (ValueError, TypeError, AttributeError):
        raise Http404(f"No {what} here")
    found = rows(company_id=user.company_id, pk=pk)
    if not found:
        raise Http404(f"No {what} here")
    return found[0]


def get_site_for_user(user, site_id, code: str = "ward.read"):
    """The clinical context's site check (one prepared read, 404 outside the company, 403 without
    ``code`` there), with the hospital's default code."""
    return clinical_site_for_user(user, site_id, code)


def get_ward_for_user(user, ward_id, code: str = "ward.read"):
    from apps.hospital.models import Ward
    from apps.tenants.models import Site

    row = _one_row_or_404(_ward_rows, user, ward_id, "ward")
    ward = _instance(Ward, row)
    ward.site = _instance(Site, row, "site__")
    _need(user, code, ward.site_id)
    return ward


def get_bed_for_user(user, bed_id, code: str = "ward.read"):
    from apps.hospital.models import Bed

    bed = get_in_company_or_404(Bed.objects.select_related("ward__site"), user, pk=bed_id)
    _need(user, code, bed.ward.site_id)
    return bed


def can_manage_admissions(user, site) -> bool:
    return user_has_code(user, "admission.manage", site)


# ------------------------------------------------------------------ admissions and drafts
def get_admission_for_user(user, admission_id, code: str = "ward.read"):
    from apps.hospital.models import Admission

    admission = get_in_company_or_404(
        Admission.objects.select_related("patient", "site", "admitting_practitioner", "discharge_summary"),
        user, pk=admission_id)
    require_code(user, code)  # the record is the company's: the code anywhere in it
    return admission


def get_draft_for_user(user, draft_id):
    from apps.hospital.models import Draft

    draft = get_in_company_or_404(Draft.objects.select_related("site", "patient", "author", "reviewer"), user,
                                  pk=draft_id)
    if draft.author_id != user.pk:
        require_code(user, "ward.read")
    return draft


def can_approve_draft(user, draft) -> bool:
    return (draft.status == draft.Status.DRAFT and draft.author_id != user.pk
            and user_has_code(user, "document.approve", draft.site_id))


# ------------------------------------------------------------------ lab
def get_lab_order_for_user(user, order_id, code: str = "lab.read"):
    from apps.hospital.models import LabOrder

    order = get_in_company_or_404(LabOrder.objects.select_related("patient", "site", "ordered_by"), user, pk=order_id)
    require_code(user, code)
    return order


def get_lab_result_for_user(user, result_id, code: str = "lab.read"):
    from apps.hospital.models import LabResult

    result = get_in_company_or_404(
        LabResult.objects.select_related("order__patient", "order__site", "order__ordered_by", "test"),
        user, pk=result_id)
    require_code(user, code)
    return result


def can_process_lab(user, site) -> bool:
    return user_has_code(user, "lab.process", site)


def can_acknowledge_result(user, result) -> bool:
    return (result.is_critical or result.flag) and result.acknowledged_at is None and (
        result.order.ordered_by_id == user.pk or user_has_code(user, "lab.order", result.order.site_id))


# ------------------------------------------------------------------ medications and stock
def get_prescription_for_user(user, prescription_id, code: str = "chart.read"):
    from apps.hospital.models import Prescription

    prescription = get_in_company_or_404(
        Prescription.objects.select_related("patient", "site", "prescriber", "inventory_item"), user,
        pk=prescription_id)
    require_code(user, code)
    return prescription


def get_dose_for_user(user, dose_id, code: str = "medication.administer"):
    from apps.hospital.models import Dose

    dose = get_in_company_or_404(Dose.objects.select_related("prescription__patient", "prescription__site"), user,
                                 pk=dose_id)
    _need(user, code, dose.prescription.site_id)
    return dose


def get_dispense_for_user(user, dispense_id):
    from apps.hospital.models import Dispense

    dispense = get_in_company_or_404(
        Dispense.objects.select_related("prescription__patient", "lot__item", "dispensed_by"), user, pk=dispense_id)
    require_code(user, "chart.read")
    return dispense


def get_item_for_user(user, item_id, code: str = "inventory.manage"):
    from apps.hospital.models import InventoryItem

    item = get_in_company_or_404(InventoryItem.objects.select_related("site"), user, pk=item_id)
    _need(user, code, item.site_id)
    return item


def get_lot_for_user(user, lot_id, code: str = "inventory.manage"):
    from apps.hospital.models import StockLot

    lot = get_in_company_or_404(StockLot.objects.select_related("item__site"), user, pk=lot_id)
    _need(user, code, lot.item.site_id)
    return lot
