"""FHIR R4 read API: ``/fhir/<Type>/<id>`` and ``/fhir/Patient/<id>/$everything``. Same access
helpers as every clinical page (404 outside the company, 403 without the code); every read is
recorded with access.log_patient_access."""

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.clinical import access
from apps.clinical.fhir import resources
from apps.clinical.models import Allergy, Problem, Visit, VitalSigns

FHIR_JSON = "application/fhir+json"


def _fhir(request, patient, resource):
    access.log_patient_access(request, patient, f"fhir:{resource['resourceType']}")
    return Response(resource, content_type=FHIR_JSON)


def _row(model, request, pk, *related):
    row = access.get_in_company_or_404(model.objects.select_related("patient", *related), request.user, pk=pk)
    access.require_code(request.user, "chart.read")
    return row


@extend_schema(operation_id="fhir_patient_read", responses=dict)
@api_view(["GET"])
def patient(request, patient_id):
    record = access.get_patient_for_user(request.user, patient_id)
    return _fhir(request, record, resources.patient_resource(record))


@extend_schema(operation_id="fhir_encounter_read", responses=dict)
@api_view(["GET"])
def encounter(request, visit_id):
    visit = _row(Visit, request, visit_id, "site", "practitioner")
    return _fhir(request, visit.patient, resources.encounter_resource(visit))


@extend_schema(operation_id="fhir_observation_read", responses=dict)
@api_view(["GET"])
def observation(request, observation_id):
    row_id, _, key = observation_id.rpartition("-")
    vitals = _row(VitalSigns, request, row_id)
    match = next((r for r in resources.observation_resources(vitals) if r["id"] == f"{vitals.pk}-{key}"), None)
    if match is None:
        raise Http404("No such observation")
    return _fhir(request, vitals.patient, match)


@extend_schema(operation_id="fhir_allergy_intolerance_read", responses=dict)
@api_view(["GET"])
def allergy_intolerance(request, allergy_id):
    allergy = _row(Allergy, request, allergy_id)
    return _fhir(request, allergy.patient, resources.allergy_resource(allergy))


@extend_schema(operation_id="fhir_condition_read", responses=dict)
@api_view(["GET"])
def condition(request, condition_id):
    problem = _row(Problem, request, condition_id)
    return _fhir(request, problem.patient, resources.condition_resource(problem))


@extend_schema(operation_id="fhir_patient_everything_read", responses=dict)
@api_view(["GET"])
def patient_everything(request, patient_id):
    record = access.get_patient_for_user(request.user, patient_id, "chart.read")
    company = record.company_id
    entries = [resources.patient_resource(record)]
    entries += [resources.encounter_resource(v) for v in Visit.objects.for_company(company).filter(patient=record)
                .select_related("site", "practitioner").order_by("visited_at")]
    for vitals in VitalSigns.objects.for_company(company).filter(patient=record).order_by("recorded_at"):
        entries += resources.observation_resources(vitals)
    entries += [resources.allergy_resource(a) for a in Allergy.objects.for_company(company).filter(patient=record)]
    entries += [resources.condition_resource(p) for p in Problem.objects.for_company(company).filter(patient=record)]
    access.log_patient_access(request, record, "fhir:Bundle")
    return Response(resources.bundle(entries, request.build_absolute_uri("/fhir/")), content_type=FHIR_JSON)


@csrf_exempt  # an API address, like every FHIR/API view: a wrong one is a 404, never the CSRF page
def not_found(request, *args, **kwargs):
    """Any /fhir/ address no route matches (a malformed id, an unknown resource type): a JSON 404
    with a FHIR OperationOutcome, as the API answers, not the HTML page (routed last under fhir/)."""
    outcome = {"detail": "Not found.", "resourceType": "OperationOutcome",
               "issue": [{"severity": "error", "code": "not-found", "diagnostics": "No such FHIR resource here."}]}
    return JsonResponse(outcome, status=404)
