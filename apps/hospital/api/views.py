"""The hospital API: the same access helpers and services as the pages. A state conflict (already
admitted, bed taken, dose already given, not enough stock, draft already decided) is a 409; bad
input a 400 with field errors; another company's id a 404. Every read of patient data is logged."""

import datetime

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.audit.access import access_log_record
from apps.audit.models import AccessLog
from apps.clinical.access import get_in_company_or_404, get_patient_for_user
from apps.core.api import query_param
from apps.hospital import access, selectors, services
from apps.hospital.api import serializers as s
from apps.hospital.models import Bed, InventoryItem, LabTest, StockLot
from apps.tenants.models import User

CONFLICT = {409: OpenApiResponse(description="The record's state refuses this (see detail)")}


def _conflict(error):
    return Response({"detail": " ".join(error.messages),
                     **({"errors": error.message_dict} if hasattr(error, "error_dict") else {})},
                    status=status.HTTP_409_CONFLICT)


def _call(service, **kwargs):
    """Run a service; a Conflict becomes a 409 response (returned as the second item)."""
    try:
        return service(**kwargs), None
    except services.Conflict as error:
        return None, _conflict(error)


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _one(queryset, user, pk, field):
    try:
        return get_in_company_or_404(queryset, user, pk=pk)
    except Http404:  # another company's or an unknown id: a field error, never the row
        raise ApiValidationError({field: "Unknown."})


# ------------------------------------------------------------------ beds and admissions
@extend_schema(operation_id="hospital_bed_board", responses=dict)
@api_view(["GET"])
def bed_board(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "ward.read")
    board = selectors.bed_board(site=site)
    patients = {row["assignment"].patient.pk: row["assignment"].patient
                for ward in board for row in ward["beds"] if row["assignment"]}
    if patients:
        access_log_record(actor=request.user, obj_or_queryset=list(patients.values()), action=AccessLog.Action.LIST,
                          request=request)
    return Response({"site": str(site.pk), "wards": [
        {"id": str(w["ward"].pk), "name": w["ward"].name, "floor": w["ward"].floor, "counts": w["counts"],
         "beds": s.BedSerializer([row["bed"] for row in w["beds"]], many=True).data} for w in board]})


@extend_schema(operation_id="hospital_admission_create", request=s.AdmitSerializer,
               responses={201: s.AdmissionSerializer, **CONFLICT})
@api_view(["POST"])
def admission_create(request):
    data = _input(s.AdmitSerializer, request)
    site = access.get_site_for_user(request.user, data["site"], "admission.manage")
    patient = get_patient_for_user(request.user, data["patient"])
    practitioner = _one(User.objects.all(), request.user, data["practitioner"], "practitioner")
    bed = _one(Bed.objects.select_related("ward"), request.user, data["bed"], "bed") if data.get("bed") else None
    admission, conflict = _call(services.admission_admit, actor=request.user, patient=patient, site=site,
                                reason=data["reason"], practitioner=practitioner, bed=bed,
                                idempotency_key=data.get("idempotency_key"))
    return conflict or Response(s.AdmissionSerializer(admission).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hospital_admission_read", responses=s.AdmissionSerializer)
@api_view(["GET"])
def admission_detail(request, admission_id):
    admission = access.get_admission_for_user(request.user, admission_id)
    access.log_patient_access(request, admission.patient, "admission")
    return Response(s.AdmissionSerializer(admission).data)


@extend_schema(operation_id="hospital_admission_transfer", request=s.TransferSerializer,
               responses={200: s.AdmissionSerializer, **CONFLICT})
@api_view(["POST"])
def admission_transfer(request, admission_id):
    admission = access.get_admission_for_user(request.user, admission_id, "admission.manage")
    data = _input(s.TransferSerializer, request)
    bed = _one(Bed.objects.select_related("ward"), request.user, data["bed"], "bed")
    _, conflict = _call(services.admission_transfer, actor=request.user, admission=admission, bed=bed)
    return conflict or Response(s.AdmissionSerializer(admission).data)


@extend_schema(operation_id="hospital_admission_discharge", request=s.DischargeSerializer,
               responses={200: s.AdmissionSerializer, **CONFLICT})
@api_view(["POST"])
def admission_discharge(request, admission_id):
    admission = access.get_admission_for_user(request.user, admission_id, "admission.manage")
    data = _input(s.DischargeSerializer, request)
    admission, conflict = _call(services.admission_discharge, actor=request.user, admission=admission, **data)
    return conflict or Response(s.AdmissionSerializer(admission).data)


@extend_schema(operation_id="hospital_draft_read", responses=s.DraftSerializer)
@api_view(["GET"])
def draft_detail(request, draft_id):
    draft = access.get_draft_for_user(request.user, draft_id)
    if draft.patient_id:
        access.log_patient_access(request, draft.patient, "draft")
    return Response(s.DraftSerializer(draft).data)


@extend_schema(operation_id="hospital_draft_decide", request=s.DraftDecisionSerializer,
               responses={200: s.DraftSerializer, **CONFLICT})
@api_view(["POST"])
def draft_decide(request, draft_id):
    draft = access.get_draft_for_user(request.user, draft_id)
    data = _input(s.DraftDecisionSerializer, request)
    service = services.draft_approve if data["decision"] == "approve" else services.draft_reject
    draft, conflict = _call(service, actor=request.user, draft=draft, reason=data["reason"])
    return conflict or Response(s.DraftSerializer(draft).data)


# ------------------------------------------------------------------ lab
@extend_schema(operation_id="hospital_lab_order_create", request=s.LabOrderCreateSerializer,
               responses={201: s.LabOrderSerializer})
@api_view(["POST"])
def lab_order_create(request):
    data = _input(s.LabOrderCreateSerializer, request)
    patient = get_patient_for_user(request.user, data["patient"], "lab.order")
    site = access.get_site_for_user(request.user, data["site"], "lab.order")
    tests = list(LabTest.objects.for_company(patient.company_id).filter(pk__in=data["tests"]))
    if len(tests) != len(set(data["tests"])):
        raise ApiValidationError({"tests": "Unknown test."})
    order = services.lab_order_create(actor=request.user, patient=patient, site=site, tests=tests,
                                      urgency=data["urgency"], clinical_note=data["clinical_note"],
                                      idempotency_key=data.get("idempotency_key"))
    return Response(s.LabOrderSerializer(order).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hospital_lab_order_read", responses=s.LabOrderSerializer)
@api_view(["GET"])
def lab_order_detail(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    access.log_patient_access(request, order.patient, "lab-order")
    return Response(s.LabOrderSerializer(order).data)


@extend_schema(operation_id="hospital_lab_order_status", request=s.LabStatusSerializer,
               responses={200: s.LabOrderSerializer, **CONFLICT})
@api_view(["POST"])
def lab_order_status(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    data = _input(s.LabStatusSerializer, request)
    if data["status"] == "in-progress":
        order, conflict = _call(services.lab_specimen_collect, actor=request.user, order=order)
    else:
        order, conflict = _call(services.lab_order_transition, actor=request.user, order=order, **data)
    return conflict or Response(s.LabOrderSerializer(order).data)


@extend_schema(operation_id="hospital_lab_order_results", request=s.LabResultsSerializer,
               responses={200: s.LabOrderSerializer, **CONFLICT})
@api_view(["POST"])
def lab_order_results(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    data = _input(s.LabResultsSerializer, request)
    order, conflict = _call(services.lab_results_record, actor=request.user, order=order, values=data["values"])
    return conflict or Response(s.LabOrderSerializer(order).data)


@extend_schema(operation_id="hospital_lab_result_acknowledge", request=None, responses=s.LabResultSerializer)
@api_view(["POST"])
def lab_result_acknowledge(request, result_id):
    result = access.get_lab_result_for_user(request.user, result_id)
    result = services.lab_result_acknowledge(actor=request.user, result=result)
    return Response(s.LabResultSerializer(result).data)


# ------------------------------------------------------------------ prescriptions and the MAR
@extend_schema(operation_id="hospital_prescription_create", request=s.PrescriptionCreateSerializer,
               responses={201: s.PrescriptionSerializer})
@api_view(["POST"])
def prescription_create(request):
    data = _input(s.PrescriptionCreateSerializer, request)
    patient = get_patient_for_user(request.user, data.pop("patient"), "medication.prescribe")
    site = access.get_site_for_user(request.user, data.pop("site"), "medication.prescribe")
    ack, key = data.pop("acknowledge_allergy"), data.pop("idempotency_key", None)
    prescription = services.prescription_create(actor=request.user, patient=patient, site=site, data=data,
                                                acknowledge_allergy=ack, idempotency_key=key)
    return Response(s.PrescriptionSerializer(prescription).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hospital_prescription_read", responses=s.PrescriptionSerializer)
@api_view(["GET"])
def prescription_detail(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id)
    access.log_patient_access(request, prescription.patient, "prescription")
    return Response(s.PrescriptionSerializer(prescription).data)


@extend_schema(operation_id="hospital_prescription_status", request=s.PrescriptionStatusSerializer,
               responses=s.PrescriptionSerializer)
@api_view(["POST"])
def prescription_status(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id, "medication.prescribe")
    data = _input(s.PrescriptionStatusSerializer, request)
    prescription = services.prescription_set_status(actor=request.user, prescription=prescription, **data)
    return Response(s.PrescriptionSerializer(prescription).data)


@extend_schema(operation_id="hospital_prescription_dispense", request=s.DispenseCreateSerializer,
               responses={201: s.DispenseSerializer, **CONFLICT})
@api_view(["POST"])
def prescription_dispense(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id, "medication.dispense")
    data = _input(s.DispenseCreateSerializer, request)
    lot = _one(StockLot.objects.select_related("item"), request.user, data["lot"], "lot")
    dispense, conflict = _call(services.prescription_dispense, actor=request.user, prescription=prescription,
                               lot=lot, quantity=data["quantity"], idempotency_key=data.get("idempotency_key"))
    return conflict or Response(s.DispenseSerializer(dispense).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hospital_prescription_give_prn", request=s.PrnSerializer,
               responses={201: s.DoseSerializer, **CONFLICT})
@api_view(["POST"])
def prescription_give(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id, "medication.administer")
    data = _input(s.PrnSerializer, request)
    dose, conflict = _call(services.dose_give_as_needed, actor=request.user, prescription=prescription,
                           reason=data["reason"])
    return conflict or Response(s.DoseSerializer(dose).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hospital_ward_mar", responses=dict)
@api_view(["GET"])
def ward_mar(request, ward_id):
    ward = access.get_ward_for_user(request.user, ward_id)
    day = query_param(request, "day", datetime.date)
    shift = request.query_params.get("shift") or "day"
    if shift not in selectors.SHIFTS:
        raise ApiValidationError({"shift": "day or night"})
    day = day or selectors.now_local(ward.site).date()
    start, end = selectors.shift_window(site=ward.site, day=day, shift=shift)
    rows = selectors.ward_mar(ward=ward, start=start, end=end)
    if rows:
        access_log_record(actor=request.user, obj_or_queryset=[row["patient"] for row in rows],
                          action=AccessLog.Action.LIST, request=request)
    return Response({"ward": str(ward.pk), "start": start, "end": end, "patients": [
        {"patient": {"id": str(row["patient"].pk), "name": row["patient"].full_name, "mrn": row["patient"].mrn},
         "bed": row["bed"].label,
         "prescriptions": [{**s.PrescriptionSerializer(rx).data, "doses": s.DoseSerializer(rx.window, many=True).data}
                           for rx in row["prescriptions"]]} for row in rows]})


@extend_schema(operation_id="hospital_dose_record", request=s.DoseRecordSerializer,
               responses={200: s.DoseSerializer, **CONFLICT})
@api_view(["POST"])
def dose_record(request, dose_id):
    dose = access.get_dose_for_user(request.user, dose_id)
    data = _input(s.DoseRecordSerializer, request)
    dose, conflict = _call(services.dose_record, actor=request.user, dose=dose, **data)
    return conflict or Response(s.DoseSerializer(dose).data)


# ------------------------------------------------------------------ inventory
@extend_schema(operation_id="hospital_inventory", responses=dict)
@api_view(["GET"])
def inventory(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "inventory.manage")
    return Response({"site": str(site.pk), "items": [
        {"id": str(item.pk), "name": item.name, "kind": item.kind, "unit": item.unit, "level": item.level,
         "reorder_threshold": item.reorder_threshold, "low": item.level <= item.reorder_threshold,
         "lots": [{"id": str(lot.pk), "lot_number": lot.lot_number, "expiry_date": lot.expiry_date,
                   "level": lot.level} for lot in item.stocked_lots]}
        for item in selectors.inventory_at(site=site)]})


@extend_schema(operation_id="hospital_stock_move", request=s.StockMoveCreateSerializer,
               responses={201: s.StockMoveSerializer, **CONFLICT})
@api_view(["POST"])
def stock_move(request, item_id):
    item = access.get_item_for_user(request.user, item_id)
    data = _input(s.StockMoveCreateSerializer, request)
    if data["kind"] == "receive":
        move, conflict = _call(services.stock_receive, actor=request.user, item=item,
                               lot_number=data["lot_number"] or "unlabelled", quantity=data["quantity"],
                               expiry_date=data.get("expiry_date"))
        return conflict or Response(s.StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)
    lot = (StockLot.objects.for_company(item.company_id).filter(item=item, lot_number=data["lot_number"]).first()
           if data["lot_number"] else None)
    if data["kind"] == "transfer":
        if lot is None or not data.get("to_item"):
            raise ApiValidationError({"lot_number": "Name the lot to transfer.", "to_item": "Name the target item."})
        target = _one(InventoryItem.objects.select_related("site"), request.user, data["to_item"], "to_item")
        moves, conflict = _call(services.stock_transfer, actor=request.user, item=item, lot=lot, to_item=target,
                                quantity=data["quantity"])
        return conflict or Response(s.StockMoveSerializer(moves[0]).data, status=status.HTTP_201_CREATED)
    move, conflict = _call(services.stock_adjust, actor=request.user, item=item, lot=lot,
                           quantity=data["quantity"], reason=data["reason"])
    return conflict or Response(s.StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)
