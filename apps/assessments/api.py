"""Assessment API: the same services as the form, tenant-scoped, 400 with field errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.academics.models import Learner
from apps.assessments import selectors, services
from apps.assessments.models import EPA, AssessmentFeedbackTag, AssessmentRequest, CaseType, EPAAssessment, FeedbackTag
from apps.assessments.models.assessment import CaseUrgency, LocationType
from apps.tenants.api import TenantScopedMixin
from apps.tenants.models import Site, User


class TagLinkSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="tag.name", read_only=True)

    class Meta:
        model = AssessmentFeedbackTag
        fields = ["tag", "name", "tag_type"]


class AssessmentSerializer(serializers.ModelSerializer):
    tags = TagLinkSerializer(source="tag_links", many=True, read_only=True)

    class Meta:
        model = EPAAssessment
        fields = ["id", "learner", "assessor", "epa", "entrustment_level", "assessment_date", "submitted_at",
                  "rotation_assignment", "site", "case_type", "case_urgency", "patient_asa_class",
                  "procedure_minutes", "complications_occurred", "location_type", "location_details",
                  "narrative_feedback", "tags", "entry_method", "request", "edited", "last_edited_at",
                  "acknowledged_at"]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer):
    """Shapes input only; the service validates every rule (same as the form)."""

    submission_key = serializers.UUIDField()
    learner = serializers.UUIDField()
    epa = serializers.IntegerField()
    entrustment_level = serializers.IntegerField()
    assessment_date = serializers.DateField()
    case_type = serializers.IntegerField(required=False, allow_null=True)
    site = serializers.UUIDField(required=False, allow_null=True)
    case_urgency = serializers.ChoiceField(choices=CaseUrgency.choices, required=False, allow_blank=True)
    patient_asa_class = serializers.IntegerField(required=False, allow_null=True)
    procedure_minutes = serializers.IntegerField(required=False, allow_null=True)
    complications_occurred = serializers.BooleanField(required=False, allow_null=True)
    location_type = serializers.ChoiceField(choices=LocationType.choices, required=False, allow_blank=True)
    location_details = serializers.CharField(required=False, allow_blank=True, max_length=100)
    narrative_feedback = serializers.CharField(required=False, allow_blank=True)
    tags_went_well = serializers.ListField(child=serializers.IntegerField(), required=False)
    tags_needs_work = serializers.ListField(child=serializers.IntegerField(), required=False)


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
        params = self.request.query_params
        return selectors.assessment_list(user=self.request.user, learner=params.get("learner") or None,
                                         epa=params.get("epa") or None, date_from=params.get("date_from") or None,
                                         date_to=params.get("date_to") or None).order_by("-assessment_date", "pk")

    def get_serializer_class(self):
        return AssessmentCreateSerializer if self.action == "create" else AssessmentSerializer

    @extend_schema(parameters=[
        OpenApiParameter("learner", str, description="Learner id"), OpenApiParameter("epa", int),
        OpenApiParameter("date_from", str, description="YYYY-MM-DD"), OpenApiParameter("date_to", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        data = self._valid_input(request)
        company = self.company
        case = {name: data.get(name) for name in ("case_urgency", "patient_asa_class", "procedure_minutes",
                                                  "complications_occurred", "location_type", "location_details",
                                                  "narrative_feedback") if name in data}
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


class AssessmentRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentRequest
        fields = ["id", "learner", "assessor", "epa", "case_date", "case_type", "note", "status", "expires_at",
                  "completed_at", "reminder_count"]
        read_only_fields = ["id", "learner", "status", "expires_at", "completed_at", "reminder_count"]
        extra_kwargs = {"assessor": {"queryset": User.objects.none()}, "epa": {"queryset": EPA.objects.none()},
                        "case_type": {"queryset": CaseType.objects.none()}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and getattr(request.user, "company_id", None):
            company_id = request.user.company_id
            fields["assessor"].queryset = User.objects.for_company(company_id)
            fields["epa"].queryset = EPA.objects.all()
            fields["case_type"].queryset = CaseType.objects.visible_to(company_id)
        return fields


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
