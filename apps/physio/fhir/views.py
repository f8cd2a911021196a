"""FHIR R4 reads: ``/fhir/Questionnaire/<version id>`` and ``/fhir/QuestionnaireResponse/<id>``; the
same access helpers as the pages, each patient read access-logged."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.clinical.access import get_in_company_or_404
from apps.physio import access
from apps.physio.fhir import resources
from apps.physio.models import PromTemplateVersion

FHIR_JSON = "application/fhir+json"


@extend_schema(operation_id="fhir_questionnaire_read", responses=dict)
@api_view(["GET"])
def questionnaire(request, version_id):
    version = get_in_company_or_404(PromTemplateVersion.objects.select_related("template"), request.user, pk=version_id)
    if not (access.can_read_physio(request.user) or access.can_send_proms(request.user)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return Response(resources.questionnaire_resource(version, request.build_absolute_uri("/fhir/")),
                    content_type=FHIR_JSON)


@extend_schema(operation_id="fhir_questionnaire_response_read", responses=dict)
@api_view(["GET"])
def questionnaire_response(request, response_id):
    response = access.get_prom_response_for_user(request.user, response_id)
    access.log_patient_access(request, response.patient, "fhir:QuestionnaireResponse")
    return Response(resources.questionnaire_response_resource(response, request.build_absolute_uri("/fhir/")),
                    content_type=FHIR_JSON)
