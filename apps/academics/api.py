"""REST API for programs, the roster and assignments. Every queryset is the requester's tenant
and the programs they belong to; assignments are written through the same service as the grid."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from apps.academics import services
from apps.academics.models import Faculty, Learner, Program, RotationAssignment, RotationType
from apps.tenants.access import active_memberships
from apps.tenants.api import TenantScopedMixin
from apps.tenants.models import Site
from apps.tenants.roles import PROGRAM_MANAGERS


def _program_ids(user, managers_only=False):
    return {m.program_id for m in active_memberships(user)
            if m.program_id and (not managers_only or m.role in PROGRAM_MANAGERS)}


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "kind", "specialty", "acgme_program_id"]


class LearnerSerializer(serializers.ModelSerializer):
    """Create: a person (new or of this company) joins a managed program as resident or student, through
    the same service as the Add person page. Update: learner fields only; who and where stay fixed."""

    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.none())
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name", max_length=100)
    last_name = serializers.CharField(source="user.last_name", max_length=100)
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Learner
        fields = ["id", "program", "email", "first_name", "last_name", "name", "kind", *services.LEARNER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # an update never moves a learner or changes who they are
            for name in ("program", "email", "first_name", "last_name", "kind"):
                self.fields[name].read_only = True
        request = self.context.get("request")
        if request is not None and getattr(request.user, "company_id", None):
            self.fields["program"].queryset = Program.objects.for_company(request.user.company_id).filter(
                pk__in=_program_ids(request.user, managers_only=True))


class AssignmentSerializer(serializers.ModelSerializer):
    """Related ids are looked up inside the requester's tenant and managed programs only."""

    learner = serializers.PrimaryKeyRelatedField(queryset=Learner.objects.none())
    rotation_type = serializers.PrimaryKeyRelatedField(queryset=RotationType.objects.none())
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    primary_supervisor = serializers.PrimaryKeyRelatedField(queryset=Faculty.objects.none(), required=False,
                                                            allow_null=True)

    class Meta:
        model = RotationAssignment
        fields = ["id", "learner", "rotation_type", "block", "start_date", "end_date", "site", "primary_supervisor",
                  "status"]
        read_only_fields = ["block", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated or request.user.company_id is None:
            return
        company, managed = request.user.company_id, _program_ids(request.user, managers_only=True)
        self.fields["learner"].queryset = Learner.objects.for_company(company).filter(program__in=managed)
        self.fields["rotation_type"].queryset = RotationType.objects.for_company(company).filter(program__in=managed)
        self.fields["site"].queryset = Site.objects.for_company(company)
        self.fields["primary_supervisor"].queryset = Faculty.objects.for_company(company).filter(program__in=managed)


def _schema_only(view) -> bool:
    """drf-spectacular builds the schema without a signed-in user; it only needs the model."""
    return getattr(view, "swagger_fake_view", False)


def _service_errors(error: DjangoValidationError, renames=None) -> ValidationError:
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    for old, new in (renames or {}).items():
        if old in detail:
            detail[new] = detail.pop(old)
    return ValidationError(detail)


class ProgramViewSet(TenantScopedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgramSerializer

    def get_queryset(self):
        if _schema_only(self):
            return Program.objects.none()
        return Program.objects.for_company(self.company).filter(pk__in=_program_ids(self.request.user))


class LearnerViewSet(TenantScopedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """The roster of the programs the requester manages; create and update go through the services."""

    serializer_class = LearnerSerializer

    def get_queryset(self):
        if _schema_only(self):
            return Learner.objects.none()
        managed = _program_ids(self.request.user, managers_only=True)
        return Learner.objects.for_company(self.company).filter(program__in=managed).select_related("user")

    def perform_create(self, serializer):
        data = serializer.validated_data
        details = {name: data[name] for name in services.LEARNER_FIELDS if name in data}
        try:
            user = services.program_person_add(
                actor=self.request.user, program=data["program"], email=data["user"]["email"],
                first_name=data["user"]["first_name"], last_name=data["user"]["last_name"],
                roles=[data.get("kind") or Learner.Kind.RESIDENT], details=details)
        except DjangoValidationError as error:
            raise _service_errors(error, {"roles": "kind"})
        serializer.instance = data["program"].learners.select_related("user").get(user=user)

    def perform_update(self, serializer):
        data = serializer.validated_data
        fields = {name: data[name] for name in services.LEARNER_FIELDS if name in data}
        try:
            serializer.instance = services.learner_update(actor=self.request.user, learner=serializer.instance,
                                                          **fields)
        except DjangoValidationError as error:
            raise _service_errors(error)


class AssignmentViewSet(TenantScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        if _schema_only(self):
            return RotationAssignment.objects.none()
        managed = _program_ids(self.request.user, managers_only=True)
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
            raise _service_errors(error, {"supervisor": "primary_supervisor"})
