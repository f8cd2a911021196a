"""Read-only reference library API for tenant users. Shared reference data is written only by
platform superusers (in the admin); any non-superuser write is refused with 403."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.assessments import reference_selectors as selectors
from apps.assessments.models import EPA, CaseType, Competency, EntrustmentLevel, EPASet, FeedbackTag
from apps.tenants.api import TenantScopedMixin


class ReadForTenantsWriteForSuperusers(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return bool(user.is_superuser)


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntrustmentLevel
        fields = ["number", "label", "descriptor"]


class EPASerializer(serializers.ModelSerializer):
    class Meta:
        model = EPA
        fields = ["id", "number", "name", "short_name", "description", "category", "display_order"]


class EPASetSerializer(serializers.ModelSerializer):
    specialty = serializers.CharField(source="specialty_id")
    scale = serializers.CharField(source="scale_id")
    levels = LevelSerializer(source="scale.levels", many=True)
    epas = EPASerializer(many=True)

    class Meta:
        model = EPASet
        fields = ["id", "specialty", "version", "name", "effective_date", "retired_on", "scale", "levels", "epas",
                  "source"]


class CompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["code", "name", "abbreviation", "description", "display_order"]


class CaseTypeSerializer(serializers.ModelSerializer):
    private = serializers.SerializerMethodField()

    class Meta:
        model = CaseType
        fields = ["id", "epa", "code", "name", "typical_minutes", "is_active", "private"]

    def get_private(self, case_type) -> bool:
        return case_type.company_id is not None


class FeedbackTagSerializer(serializers.ModelSerializer):
    private = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackTag
        fields = ["id", "category", "name", "description", "specialty", "is_active", "private"]

    def get_private(self, tag) -> bool:
        return tag.company_id is not None


class ReferenceListViewSet(TenantScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadForTenantsWriteForSuperusers]


class EPASetViewSet(ReferenceListViewSet):
    serializer_class = EPASetSerializer

    def get_queryset(self):
        return selectors.epa_set_list_visible_to(company=self.company)


class CompetencyViewSet(ReferenceListViewSet):
    serializer_class = CompetencySerializer

    def get_queryset(self):
        return selectors.competency_list()


class CaseTypeViewSet(ReferenceListViewSet):
    serializer_class = CaseTypeSerializer

    def get_queryset(self):
        return selectors.case_type_list_visible_to(company=self.company)


class FeedbackTagViewSet(ReferenceListViewSet):
    serializer_class = FeedbackTagSerializer

    def get_queryset(self):
        return selectors.feedback_tag_list_visible_to(company=self.company)
