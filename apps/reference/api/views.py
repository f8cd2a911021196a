"""Reference library API. Tenant users read the lists; platform superusers also create and update
shared rows (and retrieve them one by one). A Django ValidationError from a service becomes a 400
with field errors (apps.core.api.exception_handler)."""

from django.db.models import Prefetch
from rest_framework import mixins, status
from rest_framework.response import Response

from apps.core.api import PlatformCuratedViewSet
from apps.reference import selectors, services
from apps.reference.api.serializers import (
    CaseTypeSerializer,
    CompetencySerializer,
    EntrustmentScaleSerializer,
    EPASetSerializer,
    EPAWriteSerializer,
    FeedbackTagSerializer,
    MilestoneSerializer,
    MilestoneSetSerializer,
    SpecialtySerializer,
)
from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)


class ReferenceViewSet(PlatformCuratedViewSet):
    """Tenant users list the rows their company sees; superusers curate the shared ones."""


class SpecialtyViewSet(ReferenceViewSet):
    model = Specialty
    lookup_field = "code"
    serializer_class = SpecialtySerializer

    def tenant_queryset(self, company):
        return selectors.specialty_list()


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
