"""FHIR R4 ``/fhir/Invoice/<id>``: the same access helper as the pages (404 outside the company,
403 without billing.view), each read access-logged."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.billing import access, selectors
from apps.billing.fhir import resources

FHIR_JSON = "application/fhir+json"


@extend_schema(operation_id="fhir_invoice_read", responses=dict)
@api_view(["GET"])
def invoice(request, invoice_id):
    row = access.get_invoice_for_user(request.user, invoice_id)
    resource = resources.invoice_resource(row, selectors.invoice_lines(row))
    access.log_patient_access(request, row.patient, "fhir:Invoice")
    return Response(resource, content_type=FHIR_JSON)
