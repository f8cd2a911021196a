"""The physio API: the same access helpers and services as the pages; patient data reads are
access-logged."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.physio import access, selectors
from apps.physio.api import serializers as s
from apps.physio.models import PlanTemplate, PromInstance, PromResponse, PromTemplate, PromTemplateVersion
from apps.physio.services import plans as plan_services
from apps.physio.services import proms as prom_services
from apps.tenants.access import company_of


def _versions(company, templates):
    rows = PromTemplateVersion.objects.for_company(company).filter(template__in=templates)
    current = {t.pk: t.current_version for t in templates}
    return {v.template_id: v for v in rows if current.get(v.template_id) == v.version}


@extend_schema(operation_id="physio_template_list", responses=s.PromTemplateSerializer(many=True))
@api_view(["GET"])
def template_list(request):
    company = company_of(request.user)
    if not (access.can_read_physio(request.user) or access.can_send_proms(request.user)):
        raise PermissionDenied
    templates = list(PromTemplate.objects.for_company(company).order_by("name"))
    return Response(s.PromTemplateSerializer(templates, many=True, context={"versions": _versions(company, templates)}).data)


@extend_schema(operation_id="physio_template_detail", responses=s.PromTemplateSerializer)
@api_view(["GET"])
def template_detail(request, template_id):
    template = access.get_prom_template_for_user(request.user, template_id)
    context = {"versions": _versions(template.company_id, [template])}
    return Response(s.PromTemplateSerializer(template, context=context).data)


@extend_schema(methods=["GET"], operation_id="physio_instance_list_get", responses=s.InstanceSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="physio_instance_list_post", request=s.SendSerializer,
               responses={201: s.InstanceSerializer})
@api_view(["GET", "POST"])
def instance_list(request, patient_id):
    if request.method == "POST":
        patient = access.get_patient_for_user(request.user, patient_id, access.SEND)
        serializer = s.SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = PromTemplate.objects.for_company(patient.company_id).filter(
            pk=serializer.validated_data["template"]).first()
        if template is None:
            raise ApiValidationError({"template": "Unknown template."})
        instance = prom_services.prom_send(actor=request.user, patient=patient, template=template,
                                           channel=serializer.validated_data["channel"],
                                           idempotency_key=serializer.validated_data.get("idempotency_key"))
        return Response(s.InstanceSerializer(instance).data, status=status.HTTP_201_CREATED)
    patient = access.get_patient_for_user(request.user, patient_id, access.SEND)
    rows = (PromInstance.objects.for_company(patient.company_id).filter(patient=patient)
            .select_related("template_version__template").order_by("-created_at")[:200])
    access.log_patient_access(request, patient, "physio:prom_instances")
    return Response(s.InstanceSerializer(rows, many=True).data)


@extend_schema(operation_id="physio_response_list", responses=s.ResponseSerializer(many=True))
@api_view(["GET"])
def response_list(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, access.READ)
    rows = (PromResponse.objects.for_company(patient.company_id).filter(patient=patient)
            .select_related("template_version__template").order_by("-submitted_at")[:200])
    access.log_patient_access(request, patient, "physio:prom_responses")
    return Response(s.ResponseSerializer(rows, many=True).data)


@extend_schema(operation_id="physio_response_detail", responses=s.ResponseSerializer)
@api_view(["GET"])
def response_detail(request, response_id):
    response = access.get_prom_response_for_user(request.user, response_id)
    access.log_patient_access(request, response.patient, "physio:prom_response")
    return Response(s.ResponseSerializer(response).data)


@extend_schema(methods=["GET"], operation_id="physio_plan_list_get", responses=s.PlanSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="physio_plan_list_post", request=s.PlanSerializer,
               responses={201: s.PlanSerializer})
@api_view(["GET", "POST"])
def plan_list(request, patient_id):
    if request.method == "POST":
        patient = access.get_patient_for_user(request.user, patient_id, access.WRITE)
        serializer = s.PlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = None
        if data.get("template_id"):
            template = PlanTemplate.objects.for_company(patient.company_id).filter(pk=data["template_id"]).first()
            if template is None:
                raise ApiValidationError({"template": "Unknown template."})
        plan = plan_services.plan_create(actor=request.user, patient=patient, title=data.get("title", ""),
                                         start_date=data.get("start_date"), template=template,
                                         idempotency_key=data.get("idempotency_key"))
        phases, _ = selectors.plan_detail(plan)
        return Response(s.PlanSerializer(plan, context={"phases": phases}).data, status=status.HTTP_201_CREATED)
    patient = access.get_patient_for_user(request.user, patient_id, access.READ)
    access.log_patient_access(request, patient, "physio:plans")
    return Response(s.PlanSerializer(selectors.plans_for(patient)[:100], many=True).data)


@extend_schema(operation_id="physio_plan_detail", responses=s.PlanSerializer)
@api_view(["GET"])
def plan_detail(request, plan_id):
    plan = access.get_plan_for_user(request.user, plan_id)
    phases, _ = selectors.plan_detail(plan)
    access.log_patient_access(request, plan.patient, "physio:plan")
    return Response(s.PlanSerializer(plan, context={"phases": phases}).data)


def _plan_exercise(request, plan_exercise_id):
    """The patient's own exercise (portal) or, for staff, any of the company's."""
    from apps.clinical.access import get_in_company_or_404, user_has_code
    from apps.physio.models import PlanExercise

    if user_has_code(request.user, "portal.view") and not access.can_read_physio(request.user):
        return access.get_plan_exercise_for_portal(request.user, plan_exercise_id)
    row = get_in_company_or_404(PlanExercise.objects.select_related("phase__plan__patient", "exercise"), request.user,
                                pk=plan_exercise_id)
    if not access.can_read_physio(request.user):
        raise PermissionDenied
    return row


@extend_schema(methods=["GET"], operation_id="physio_feedback_list_get", responses=s.FeedbackSerializer(many=True))
@extend_schema(methods=["POST"], operation_id="physio_feedback_list_post", request=s.FeedbackSerializer,
               responses={201: s.FeedbackSerializer})
@api_view(["GET", "POST"])
def feedback_list(request, plan_exercise_id):
    plan_exercise = _plan_exercise(request, plan_exercise_id)
    patient = plan_exercise.phase.plan.patient
    if request.method == "POST":
        if patient.portal_user_id != request.user.pk and not access.can_write_physio(request.user):
            raise PermissionDenied
        serializer = s.FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = plan_services.feedback_record(actor=request.user, plan_exercise=plan_exercise,
                                            **serializer.validated_data)
        return Response(s.FeedbackSerializer(row).data, status=status.HTTP_201_CREATED)
    if patient.portal_user_id != request.user.pk:
        access.log_patient_access(request, patient, "physio:feedback")
    rows = plan_exercise.feedback.order_by("-session_date")[:200]
    return Response(s.FeedbackSerializer(rows, many=True).data)


