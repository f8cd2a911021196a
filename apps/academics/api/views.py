"""REST API for programs, the roster and assignments. Every queryset is the requester's tenant
and the programs they belong to (apps.academics.access); writes go through the same services as
the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from apps.academics import access, services
from apps.academics.api.serializers import AssignmentSerializer, LearnerSerializer, ProgramSerializer
from apps.academics.models import Learner, Program, RotationAssignment
from apps.audit.access import access_log_record
from apps.core.api import TenantScopedMixin, schema_only, service_errors
from apps.tenants.access import program_ids_with_roles


class ProgramViewSet(TenantScopedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgramSerializer

    def get_queryset(self):
        if schema_only(self):
            return Program.objects.none()
        return Program.objects.for_company(self.company).filter(pk__in=program_ids_with_roles(self.request.user))


class LearnerViewSet(TenantScopedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """The roster of the programs the requester manages; create and update go through the services."""

    serializer_class = LearnerSerializer

    def get_queryset(self):
        if schema_only(self):
            return Learner.objects.none()
        managed = access.managed_program_ids(self.request.user)
        return Learner.objects.for_company(self.company).filter(program__in=managed).select_related("user")

    def retrieve(self, request, *args, **kwargs):
        learner = self.get_object()
        access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
        return Response(self.get_serializer(learner).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        details = {name: data[name] for name in services.LEARNER_FIELDS if name in data}
        try:
            user = services.program_person_add(
                actor=self.request.user, program=data["program"], email=data["user"]["email"],
                first_name=data["user"]["first_name"], last_name=data["user"]["last_name"],
                roles=[data.get("kind") or Learner.Kind.RESIDENT], details=details,
                confirm_existing=data.get("add_existing_person", False))
        except DjangoValidationError as error:
            raise service_errors(error, {"roles": "kind", "confirm_existing": "add_existing_person"})
        serializer.instance = data["program"].learners.select_related("user").get(user=user)

    def perform_update(self, serializer):
        data = serializer.validated_data
        fields = {name: data[name] for name in services.LEARNER_FIELDS if name in data}
        try:
            serializer.instance = services.learner_update(actor=self.request.user, learner=serializer.instance,
                                                          **fields)
        except DjangoValidationError as error:
            raise service_errors(error)


class AssignmentViewSet(TenantScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        if schema_only(self):
            return RotationAssignment.objects.none()
        managed = access.managed_program_ids(self.request.user)
        return (RotationAssignment.objects.for_company(self.company).filter(learner__program__in=managed)
                .order_by("start_date", "learner"))

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.rotation_assignment_create(
                actor=self.request.user, learner=data["learner"], rotation_type=data["rotation_type"],
                start_date=data["start_date"], end_date=data["end_date"], site=data.get("site"),
                supervisor=data.get("primary_supervisor"))
        except DjangoValidationError as error:
            raise service_errors(error, {"supervisor": "primary_supervisor"})
