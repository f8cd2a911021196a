"""The billing API: the same access helpers and services as the pages. Reading an invoice is
reading patient data (access-logged). A write the invoice's state forbids is a 409."""

import uuid

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.billing import access, selectors, services
from apps.billing.api import serializers as s
from apps.billing.models import CatalogItem, Invoice
from apps.core.api import query_param
from apps.core.api_paging import PageNumberPagination
from apps.tenants.access import company_of

CONFLICT = {409: OpenApiResponse(description="The invoice's state does not allow this (issued, void…)")}


def _conflict(error):
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _full(invoice):
    invoice.line_rows = list(selectors.invoice_lines(invoice))
    invoice.payment_rows = list(selectors.invoice_payments(invoice))
    return s.InvoiceSerializer(invoice).data


def _catalog_item(company, item_id, field="catalog_item"):
    if item_id is None:
        return None
    item = CatalogItem.objects.for_company(company).filter(pk=item_id).first()
    if item is None:
        raise ApiValidationError({field: ["Unknown catalog item."]})
    return item


# ------------------------------------------------------------------ catalog
def _catalog_data(company, data):
    """The validated data with ``service_type`` as this company's ServiceType (400 otherwise)."""
    from apps.scheduling.models import ServiceType

    data = dict(data)
    if "service_type_id" in data:
        service_type_id = data.pop("service_type_id")
        data["service_type"] = None
        if service_type_id is not None:
            data["service_type"] = ServiceType.objects.for_company(company).filter(pk=service_type_id).first()
            if data["service_type"] is None:
                raise ApiValidationError({"service_type": ["Unknown service."]})
    return data


@extend_schema(methods=["GET"], operation_id="billing_catalog_list_get", responses=s.CatalogItemSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="billing_catalog_list_post", request=s.CatalogItemSerializer,
               responses=s.CatalogItemSerializer)
@api_view(["GET", "POST"])
def catalog_list(request):
    company = company_of(request.user)
    if request.method == "GET":
        access.require_view(request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.catalog(company=company).order_by("code"), request)
        return paginator.get_paginated_response(s.CatalogItemSerializer(page, many=True).data)
    access.require_code(request.user, access.MANAGE)
    data = _catalog_data(company, _valid(s.CatalogItemSerializer, request))
    item = services.catalog_item_create(actor=request.user, company=company, data=data)
    return Response(s.CatalogItemSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="billing_catalog_detail_get", responses=s.CatalogItemSerializer)
@extend_schema(methods=["PATCH"], operation_id="billing_catalog_detail_patch", request=s.CatalogItemSerializer,
               responses=s.CatalogItemSerializer)
@api_view(["GET", "PATCH"])
def catalog_detail(request, item_id):
    item = access.get_catalog_item_for_user(request.user, item_id, manage=request.method == "PATCH")
    if request.method == "PATCH":
        serializer = s.CatalogItemSerializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.catalog_item_update(actor=request.user, item=item,
                                            data=_catalog_data(item.company_id, serializer.validated_data))
    return Response(s.CatalogItemSerializer(item).data)


# ------------------------------------------------------------------ invoices
@extend_schema(methods=["GET"], operation_id="billing_invoice_list_get", responses=s.InvoiceListSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="billing_invoice_list_post", request=s.InvoiceCreateSerializer,
               responses=s.InvoiceSerializer)
@api_view(["GET", "POST"])
def invoice_list(request):
    company = company_of(request.user)
    if request.method == "GET":
        access.require_view(request.user)
        patient_id, site_id = query_param(request, "patient", uuid.UUID), query_param(request, "site", uuid.UUID)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in Invoice.Status.values:
            raise ApiValidationError({"status": [f"One of {', '.join(Invoice.Status.values)}."]})
        queryset = selectors.invoices(company=company, status=wanted)
        if patient_id:
            queryset = queryset.filter(patient_id=patient_id)
        if site_id:
            queryset = queryset.filter(site_id=site_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request)
        return paginator.get_paginated_response(s.InvoiceListSerializer(page, many=True).data)
    access.require_code(request.user, access.MANAGE)
    data = _valid(s.InvoiceCreateSerializer, request)
    return _create_invoice(request, company, data)


def _create_invoice(request, company, data):
    from apps.clinical.models import Case, Patient, Visit
    from apps.tenants.models import Site

    patient = Patient.objects.for_company(company).filter(pk=data["patient"]).first()
    if patient is None:
        raise ApiValidationError({"patient": ["Unknown patient."]})
    site = Site.objects.for_company(company).filter(pk=data["site"]).first()
    if site is None or not access.can_manage_billing(request.user, site):
        raise ApiValidationError({"site": ["Choose a clinic where you manage billing."]})
    case = None
    if data.get("case"):
        case = Case.objects.for_company(company).filter(pk=data["case"], patient=patient).first()
        if case is None:
            raise ApiValidationError({"case": ["Unknown case of this patient."]})
    visit_ids = set(data.get("visits") or [])
    visits = list(Visit.objects.for_company(company).filter(pk__in=visit_ids, patient=patient))
    if len(visits) != len(visit_ids):
        raise ApiValidationError({"visits": ["Unknown visit of this patient."]})
    appointment_ids = set(data.get("appointments") or [])
    appointments = selectors.appointments_by_id(patient=patient, ids=appointment_ids)
    if len(appointments) != len(appointment_ids):
        raise ApiValidationError({"appointments": ["Unknown fulfilled appointment of this patient."]})
    visit_item = _catalog_item(company, data.get("visit_item"), "visit_item")
    key = data.get("idempotency_key")
    if visits or appointments:
        invoice = services.invoice_from_care(actor=request.user, patient=patient, site=site, visits=visits,
                                             appointments=appointments, visit_item=visit_item, idempotency_key=key)
    else:
        invoice = services.invoice_create(actor=request.user, patient=patient, site=site, case=case,
                                          idempotency_key=key)
    return Response(_full(invoice), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="billing_invoice_detail_get", responses=s.InvoiceSerializer)
@api_view(["GET"])
def invoice_detail(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id)
    access.log_patient_access(request, invoice.patient, "billing invoice")
    return Response(_full(invoice))


@extend_schema(operation_id="billing_invoice_lines_post", request=s.LineCreateSerializer,
               responses={201: s.InvoiceSerializer, **CONFLICT})
@api_view(["POST"])
def invoice_lines(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    data = _valid(s.LineCreateSerializer, request)
    try:
        services.invoice_line_add(actor=request.user, invoice=invoice,
                                  catalog_item=_catalog_item(invoice.company_id, data.get("catalog_item")),
                                  description=data["description"], quantity=data["quantity"],
                                  unit_price=data.get("unit_price"), tax_rate=data.get("tax_rate"),
                                  discount_rate=data["discount_rate"])
    except services.InvoiceStateError as error:
        return _conflict(error)
    invoice.refresh_from_db()
    return Response(_full(invoice), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="billing_invoice_issue_post", request=s.IssueSerializer,
               responses={200: s.InvoiceSerializer, **CONFLICT})
@api_view(["POST"])
def invoice_issue(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    data = _valid(s.IssueSerializer, request)
    try:
        invoice = services.invoice_issue(actor=request.user, invoice=invoice, issued_on=data.get("issued_on"),
                                         due_on=data.get("due_on"))
    except services.InvoiceStateError as error:
        return _conflict(error)
    return Response(_full(invoice))


@extend_schema(operation_id="billing_invoice_void_post", request=s.VoidSerializer,
               responses={200: s.InvoiceSerializer, **CONFLICT})
@api_view(["POST"])
def invoice_void(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    data = _valid(s.VoidSerializer, request)
    try:
        invoice = services.invoice_void(actor=request.user, invoice=invoice, reason=data["reason"])
    except services.InvoiceStateError as error:
        return _conflict(error)
    return Response(_full(invoice))


@extend_schema(operation_id="billing_invoice_credit_notes_post", request=s.CreditNoteSerializer,
               responses={201: s.InvoiceSerializer, **CONFLICT})
@api_view(["POST"])
def invoice_credit_notes(request, invoice_id):
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    data = _valid(s.CreditNoteSerializer, request)
    lines = {str(line.pk): line for line in selectors.invoice_lines(invoice)}
    chosen = []
    for entry in data["lines"]:
        line = lines.get(str(entry["line"]))
        if line is None:
            raise ApiValidationError({"lines": ["Unknown line of this invoice."]})
        chosen.append((line, entry["quantity"]))
    try:
        note = services.credit_note_create(actor=request.user, invoice=invoice, lines=chosen, reason=data["reason"])
    except services.InvoiceStateError as error:
        return _conflict(error)
    return Response(_full(note), status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="billing_invoice_payments_get", responses=s.PaymentSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="billing_invoice_payments_post", request=s.PaymentCreateSerializer,
               responses={201: s.PaymentSerializer, **CONFLICT})
@api_view(["GET", "POST"])
def invoice_payments(request, invoice_id):
    """POST a payment or refund: an amount of zero or less, or more than the balance, is a 400 on
    ``amount`` and records nothing."""
    if request.method == "GET":
        invoice = access.get_invoice_for_user(request.user, invoice_id)
        access.log_patient_access(request, invoice.patient, "billing payments")
        return Response(s.PaymentSerializer(selectors.invoice_payments(invoice), many=True).data)
    invoice = access.get_invoice_for_user(request.user, invoice_id, manage=True)
    data = _valid(s.PaymentCreateSerializer, request)
    try:
        payment = services.payment_record(actor=request.user, invoice=invoice, amount=data["amount"],
                                          method=data["method"], received_at=data.get("received_at"),
                                          reference=data["reference"], kind=data["kind"],
                                          idempotency_key=data.get("idempotency_key"))
    except services.InvoiceStateError as error:
        return _conflict(error)
    return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
