"""Who may see and do what in billing — the one place pages, the API and FHIR ask.

Permission codes are clinical's (``billing.view``, ``billing.manage``), read through
``apps.clinical.access.user_has_code``. Objects come through ``get_<obj>_for_user``: another
company's object is a 404; in the company without the code, a 403. Reading an invoice is reading
patient data: the views log it with ``log_patient_access``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.clinical import access as clinical_access
from apps.clinical.access import get_in_company_or_404, log_patient_access, user_has_code  # noqa: F401
from apps.tenants.access import company_of

VIEW = "billing.view"
MANAGE = "billing.manage"


def require_code(user, code: str, site=None) -> None:
    clinical_access.require_code(user, code, site)


def can_view_billing(user) -> bool:
    return user_has_code(user, VIEW) or user_has_code(user, MANAGE)


def can_manage_billing(user, site=None) -> bool:
    return user_has_code(user, MANAGE, site)


def require_view(user) -> None:
    company_of(user)
    if not can_view_billing(user):
        raise PermissionDenied("needs billing.view")


def get_invoice_for_user(user, invoice_id, *, manage=False):
    """An invoice of the user's company (404 otherwise), with billing.view — or billing.manage at its
    site when ``manage`` (403 otherwise)."""
    from apps.billing.models import Invoice

    invoice = get_in_company_or_404(Invoice.objects.select_related("patient", "site", "case", "credit_of"), user,
                                    pk=invoice_id)
    if manage:
        require_code(user, MANAGE, invoice.site_id)
    else:
        require_view(user)
    return invoice


def get_line_for_user(user, invoice, line_id):
    from apps.billing.models import InvoiceLine

    return get_in_company_or_404(InvoiceLine.objects.filter(invoice=invoice), user, pk=line_id)


def get_payment_for_user(user, payment_id):
    from apps.billing.models import Payment

    payment = get_in_company_or_404(Payment.objects.select_related("invoice__patient", "invoice__site",
                                                                   "recorded_by"), user, pk=payment_id)
    require_view(user)
    return payment


def get_catalog_item_for_user(user, item_id, *, manage=False):
    from apps.billing.models import CatalogItem

    item = get_in_company_or_404(CatalogItem.objects.all(), user, pk=item_id)
    require_code(user, MANAGE) if manage else require_view(user)
    return item


def get_patient_for_user(user, patient_id):
    """The patient whose account is opened (billing.view; a 404 outside the company)."""
    from apps.clinical.models import Patient

    patient = get_in_company_or_404(Patient.objects.select_related("home_site"), user, pk=patient_id)
    require_view(user)
    return patient


def get_site_for_user(user, site_id):
    from apps.tenants.models import Site

    site = get_in_company_or_404(Site.objects.all(), user, pk=site_id)
    require_view(user)
    return site


def portal_patient_for(user):
    """The patient record a portal login sees (403 without portal.view, 404 without a record)."""
    return clinical_access.portal_patient_for(user)


def get_portal_invoice_for_user(user, invoice_id):
    """One of the portal patient's own issued invoices (anyone else's: 404)."""
    from apps.billing.models import Invoice

    patient = portal_patient_for(user)
    invoice = (Invoice.objects.for_company(patient.company_id).select_related("patient", "site")
               .filter(patient=patient, pk=invoice_id).exclude(status=Invoice.Status.DRAFT).first()
               if _is_uuid(invoice_id) else None)
    if invoice is None:
        raise Http404("No such invoice")
    return invoice


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
