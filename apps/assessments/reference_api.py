"""Reference library API. Tenant users read the lists; platform superusers also create and update
shared rows (and retrieve them one by one). Every write goes through reference_services, which
runs the model's own rules (full_clean, validators.py) — a Django ValidationError becomes a 400
with field errors (apps.tenants.api.exception_handler)."""

from django.db.models import Prefetch
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from apps.academics.models import Specialty
from apps.assessments import reference_selectors as selectors
from apps.assessments import reference_services as services
from apps.assessments.models import (
    EPA, CaseType, Competency, EntrustmentLevel, EntrustmentScale, EPASet, FeedbackTag, Milestone, MilestoneSet,
)
from apps.tenants.api import TenantScopedMixin


class ReadForTenantsWriteForSuperusers(BasePermission):
    """Tenant users may list; superusers may do anything the viewset offers. Detail routes are
    the curation surface, so a tenant user gets 403 there (lists already carry every field)."""

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return request.method in SAFE_METHODS and view.action == "list"


# ---------------------------------------------------------------- serializers
class ReferenceSerializer(serializers.ModelSerializer):
    """Saves through ``reference_row_save`` (full_clean + history user + audit). Uniqueness is
    left to the model's own constraints so the messages match the admin's."""

    immutable_fields: tuple = ()

    def validate(self, attrs):
        if self.instance is not None:
            changed = {name: "Cannot change once created." for name in self.immutable_fields
                       if name in attrs and attrs[name] != getattr(self.instance, name)}
            if changed:
                raise serializers.ValidationError(changed)
        return attrs

    @property
    def actor(self):
        return self.context["request"].user

    def create(self, validated_data):
        return self.save_row(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_row(instance)

    def save_row(self, instance):
        return services.reference_row_save(actor=self.actor, instance=instance)


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntrustmentLevel
        fields = ["number", "label", "descriptor"]
        validators = []


class EntrustmentScaleSerializer(ReferenceSerializer):
    levels = LevelSerializer(many=True, required=False)
    immutable_fields = ("code",)

    class Meta:
        model = EntrustmentScale
        fields = ["code", "name", "source", "levels"]

    def create(self, validated_data):
        levels = validated_data.pop("levels", [])
        return services.entrustment_scale_save(actor=self.actor, scale=EntrustmentScale(**validated_data),
                                               levels=levels)

    def update(self, instance, validated_data):
        levels = validated_data.pop("levels", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.entrustment_scale_save(actor=self.actor, scale=instance, levels=levels)


class EPASerializer(serializers.ModelSerializer):
    class Meta:
        model = EPA
        fields = ["id", "number", "name", "short_name", "description", "category", "display_order"]


class EPAWriteSerializer(ReferenceSerializer):
    class Meta:
        model = EPA
        fields = ["id", "epa_set", "number", "name", "short_name", "description", "category", "display_order"]
        validators = []

    def save_row(self, instance):
        return services.epa_save(actor=self.actor, epa=instance)


class EPASetSerializer(ReferenceSerializer):
    """POST publishes a new version (``epa_set_publish``: retires the specialty's current set).
    PATCH/PUT change the name and source only; EPAs are edited at /api/reference/epas/."""

    specialty = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all())
    levels = LevelSerializer(source="scale.levels", many=True, read_only=True)
    epas = EPASerializer(many=True, required=False)
    immutable_fields = ("specialty", "version", "effective_date", "scale")

    class Meta:
        model = EPASet
        fields = ["id", "specialty", "version", "name", "effective_date", "retired_on", "scale", "levels", "epas",
                  "source"]
        read_only_fields = ["retired_on"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None and "epas" in attrs:
            raise serializers.ValidationError({"epas": "Edit EPAs at /api/reference/epas/, or publish a new version."})
        return super().validate(attrs)

    def create(self, validated_data):
        epas = [dict(values) for values in validated_data.pop("epas", [])]
        return services.epa_set_publish(actor=self.actor, epas=epas, **validated_data)


class MilestoneSerializer(ReferenceSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "milestone_set", "competency", "subcompetency_code", "title", *Milestone.LEVEL_FIELDS,
                  "display_order"]
        validators = []


class NestedMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "competency", "subcompetency_code", "title", *Milestone.LEVEL_FIELDS, "display_order"]


class MilestoneSetSerializer(ReferenceSerializer):
    """Like EPA sets: POST publishes (``milestone_set_publish``); milestones are edited at
    /api/reference/milestones/."""

    specialty = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all())
    milestones = NestedMilestoneSerializer(many=True, required=False)
    immutable_fields = ("specialty", "version", "effective_date")

    class Meta:
        model = MilestoneSet
        fields = ["id", "specialty", "version", "name", "effective_date", "retired_on", "milestones", "source"]
        read_only_fields = ["retired_on"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None and "milestones" in attrs:
            raise serializers.ValidationError(
                {"milestones": "Edit milestones at /api/reference/milestones/, or publish a new version."})
        return super().validate(attrs)

    def create(self, validated_data):
        milestones = [dict(values) for values in validated_data.pop("milestones", [])]
        return services.milestone_set_publish(actor=self.actor, milestones=milestones, **validated_data)


class CompetencySerializer(ReferenceSerializer):
    immutable_fields = ("code",)

    class Meta:
        model = Competency
        fields = ["code", "name", "abbreviation", "description", "display_order"]


class SpecialtySerializer(ReferenceSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all(), required=False,
                                          allow_null=True)
    prerequisites = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all(), many=True,
                                                 required=False)
    immutable_fields = ("code",)

    class Meta:
        model = Specialty
        fields = ["code", "name", "category", "acgme_specialty_code", "typical_duration_years", "is_subspecialty",
                  "parent", "pathway_type", "prerequisites", "certifying_board"]

    def create(self, validated_data):
        prerequisites = validated_data.pop("prerequisites", [])
        return services.specialty_save(actor=self.actor, specialty=Specialty(**validated_data),
                                       prerequisites=prerequisites)

    def update(self, instance, validated_data):
        prerequisites = validated_data.pop("prerequisites", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.specialty_save(actor=self.actor, specialty=instance, prerequisites=prerequisites)


class CaseTypeSerializer(ReferenceSerializer):
    """Superusers write shared case types only (company stays empty)."""

    private = serializers.SerializerMethodField()

    class Meta:
        model = CaseType
        fields = ["id", "epa", "code", "name", "typical_minutes", "is_active", "private"]
        validators = []

    def get_private(self, case_type) -> bool:
        return case_type.company_id is not None


class FeedbackTagSerializer(ReferenceSerializer):
    private = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackTag
        fields = ["id", "category", "name", "description", "specialty", "is_active", "private"]
        validators = []

    def get_private(self, tag) -> bool:
        return tag.company_id is not None


# ---------------------------------------------------------------- viewsets
class ReferenceViewSet(TenantScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tenant users list ``tenant_queryset(company)``; superusers (no company) see
    ``platform_queryset()``: every shared row, never a company's private ones."""

    permission_classes = [ReadForTenantsWriteForSuperusers]
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        if self.request.user.is_superuser:
            return self.platform_queryset()
        return self.tenant_queryset(self.company)

    def platform_queryset(self):
        return self.tenant_queryset(None)

    def tenant_queryset(self, company):
        """Each reference viewset names the rows a company sees (abstract: every subclass defines it)."""
        raise NotImplementedError(f"{type(self).__name__} must define tenant_queryset(company)")


class SpecialtyViewSet(ReferenceViewSet):
    model = Specialty
    lookup_field = "code"
    serializer_class = SpecialtySerializer

    def tenant_queryset(self, company):
        return Specialty.objects.select_related("parent").prefetch_related("prerequisites").order_by("name")


class CompetencyViewSet(ReferenceViewSet):
    model = Competency
    lookup_field = "code"
    serializer_class = CompetencySerializer

    def tenant_queryset(self, company):
        return selectors.competency_list()


class EntrustmentScaleViewSet(ReferenceViewSet):
    model = EntrustmentScale
    lookup_field = "code"
    serializer_class = EntrustmentScaleSerializer

    def tenant_queryset(self, company):
        levels = Prefetch("levels", queryset=EntrustmentLevel.objects.order_by("number"))
        return EntrustmentScale.objects.prefetch_related(levels).order_by("name")


class EPASetViewSet(ReferenceViewSet):
    model = EPASet
    serializer_class = EPASetSerializer

    def tenant_queryset(self, company):
        return selectors.epa_set_list_visible_to(company=company)

    def platform_queryset(self):
        return selectors.epa_set_list_all()


class EPAViewSet(mixins.DestroyModelMixin, ReferenceViewSet):
    model = EPA
    serializer_class = EPAWriteSerializer

    def tenant_queryset(self, company):
        return selectors.epa_choices_for(company=company)

    def platform_queryset(self):
        return EPA.objects.select_related("epa_set").order_by("epa_set_id", "display_order", "number")

    def destroy(self, request, *args, **kwargs):
        services.epa_delete(actor=request.user, epa=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MilestoneSetViewSet(ReferenceViewSet):
    model = MilestoneSet
    serializer_class = MilestoneSetSerializer

    def tenant_queryset(self, company):
        return selectors.milestone_set_list_visible_to(company=company)

    def platform_queryset(self):
        return selectors.milestone_set_list_all()


class MilestoneViewSet(ReferenceViewSet):
    model = Milestone
    serializer_class = MilestoneSerializer

    def tenant_queryset(self, company):
        return selectors.milestone_list_visible_to(company=company)

    def platform_queryset(self):
        return Milestone.objects.order_by("milestone_set_id", "display_order")


class CaseTypeViewSet(ReferenceViewSet):
    model = CaseType
    serializer_class = CaseTypeSerializer

    def tenant_queryset(self, company):
        return selectors.case_type_list_visible_to(company=company)

    def platform_queryset(self):
        return CaseType.objects.shared().select_related("epa__epa_set").order_by("epa_id", "name")


class FeedbackTagViewSet(ReferenceViewSet):
    model = FeedbackTag
    serializer_class = FeedbackTagSerializer

    def tenant_queryset(self, company):
        return selectors.feedback_tag_list_visible_to(company=company)

    def platform_queryset(self):
        return FeedbackTag.objects.shared().order_by("category", "name")
