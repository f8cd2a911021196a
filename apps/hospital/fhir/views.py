"""FHIR R4 read API of the hospital floor: ServiceRequest, DiagnosticReport, Observation (lab),
MedicationRequest, MedicationDispense, MedicationAdministration, Location (ward or bed). Same access
helpers as the pages (404 outside the company, 403 without the code); every read is in the access log."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.audit.access import access_log_record
from apps.clinical.access import get_in_company_or_404
from apps.hospital import access
from apps.hospital.fhir import resources
from apps.hospital.models import Dose, Ward

FHIR_JSON = "application/fhir+json"


def _fhir(request, patient, resource):
    access.log_patient_access(request, patient, f"fhir:{resource['resourceType']}")
    return Response(resource, content_type=FHIR_JSON)


def _results(order):
    return list(order.results.select_related("test").order_by("test__name"))


@extend_schema(operation_id="fhir_service_request_read", responses=dict)
@api_view(["GET"])
def service_request(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    return _fhir(request, order.patient, resources.service_request_resource(order, _results(order)))


@extend_schema(operation_id="fhir_diagnostic_report_read", responses=dict)
@api_view(["GET"])
def diagnostic_report(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    url = request.build_absolute_uri(reverse("hospital:lab_report", args=[order.pk])) if order.report_file else None
    return _fhir(request, order.patient, resources.diagnostic_report_resource(order, _results(order), url))


@extend_schema(operation_id="fhir_lab_observation_read", responses=dict)
@api_view(["GET"])
def lab_observation(request, result_id):
    result = access.get_lab_result_for_user(request.user, result_id)
    return _fhir(request, result.order.patient, resources.lab_observation_resource(result))


@extend_schema(operation_id="fhir_medication_request_read", responses=dict)
@api_view(["GET"])
def medication_request(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id)
    return _fhir(request, prescription.patient, resources.medication_request_resource(prescription))


@extend_schema(operation_id="fhir_medication_dispense_read", responses=dict)
@api_view(["GET"])
def medication_dispense(request, dispense_id):
    dispense = access.get_dispense_for_user(request.user, dispense_id)
    return _fhir(request, dispense.prescription.patient, resources.medication_dispense_resource(dispense))


@extend_schema(operation_id="fhir_medication_administration_read", responses=dict)
@api_view(["GET"])
def medication_administration(request, dose_id):
    dose = get_in_company_or_404(Dose.objects.select_related("prescription__patient", "recorded_by"), request.user,
                                 pk=dose_id)
    access.require_code(request.user, "chart.read")
    if dose.status == Dose.Status.SCHEDULED:
        raise Http404("Not administered yet")
    return _fhir(request, dose.prescription.patient, resources.medication_administration_resource(dose))


@extend_schema(operation_id="fhir_location_read", responses=dict)
@api_view(["GET"])
def location(request, location_id):
    ward = Ward.objects.for_company(request.user.company_id).select_related("site").filter(pk=location_id).first() \
        if request.user.company_id else None
    if ward is not None:
        ward = access.get_ward_for_user(request.user, location_id)
        resource, row = resources.ward_location_resource(ward), ward
    else:
        bed = access.get_bed_for_user(request.user, location_id)
        resource, row = resources.bed_location_resource(bed), bed
    access_log_record(actor=request.user, obj_or_queryset=row, request=request)
    return Response(resource, content_type=FHIR_JSON)


