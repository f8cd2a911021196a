"""Assessment API: the same services as the form, tenant-scoped, 400 with field errors."""


from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.academics.models import Learner
from apps.assessments import selectors, services
from apps.assessments.api.serializers import (
    AssessmentCreateSerializer,
    AssessmentFilterSerializer,
    AssessmentRequestSerializer,
    AssessmentSerializer,
)
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.core.api import TenantScopedMixin
from apps.reference.models import EPA, CaseType
from apps.tenants.models import Site


def _resolve(queryset, pk, field):
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise DjangoValidationError({field: "Unknown value."})
    return obj


class AssessmentViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AssessmentSerializer
    queryset = EPAAssessment.objects.none()

    def get_queryset(self):
        filters = {}
        if self.action == "list":
            given = {name: value for name, value in self.request.query_params.items() if value != ""}
            serializer = AssessmentFilterSerializer(data=given)
            serializer.is_valid(raise_exception=True)
            filters = serializer.validated_data
        return selectors.assessment_list(user=self.request.user, **filters).order_by("-assessment_date", "pk")

    def get_serializer_class(self):
        return AssessmentCreateSerializer if self.action == "create" else AssessmentSerializer

    @extend_schema(parameters=[AssessmentFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        data = self._valid_input(request)
        company = self.company
        case = {name: data.get(name) for name in ("case_urgency", "patient_asa_class", "procedure_minutes",
                                                  "complications_occurred", "location_type", "location_details",
                                                  "narrative_feedback") if name in data}
        for name in ("case_urgency", "location_type"):  # null: none, stored as ""
            if name in case and case[name] is None:
                case[name] = ""
        case["case_type"] = _resolve(CaseType.objects.visible_to(company), data.get("case_type"), "case_type")
        case["site"] = _resolve(Site.objects.for_company(company), data.get("site"), "site")
        assessment = services.assessment_submit(
            assessor=request.user, learner=_resolve(Learner.objects.for_company(company).select_related("program"),
                                                    data["learner"], "learner"),
            epa=_resolve(EPA.objects.select_related("epa_set"), data["epa"], "epa"),
            entrustment_level=data["entrustment_level"], assessment_date=data["assessment_date"],
            submission_key=data["submission_key"], entry_method=EPAAssessment.EntryMethod.API,
            tags_went_well=data.get("tags_went_well", ()), tags_needs_work=data.get("tags_needs_work", ()), **case)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    def _valid_input(self, request):
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        assessment = self.get_object()
        if assessment.learner.user_id != request.user.pk:
            raise PermissionDenied("Only the learner acknowledges their assessment")
        services.assessment_acknowledge(actor=request.user, assessment=assessment)
        return Response(AssessmentSerializer(assessment).data)


class AssessmentRequestViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AssessmentRequestSerializer
    queryset = AssessmentRequest.objects.none()

    def get_queryset(self):
        return selectors.request_visible_to(user=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        learner = selectors.learner_records(user=self.request.user).first()
        if learner is None:
            raise PermissionDenied("Only learners request assessments")
        data = serializer.validated_data
        serializer.instance = services.assessment_request_create(
            learner_user=self.request.user, learner=learner, assessor=data["assessor"], epa=data["epa"],
            case_date=data["case_date"], case_type=data.get("case_type"), note=data.get("note", ""))
