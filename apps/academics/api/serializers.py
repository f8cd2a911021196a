"""Serializers of the academics API: related ids are looked up inside the requester's tenant and
the programs they manage only."""

from rest_framework import serializers

from apps.academics import access, services
from apps.academics.models import Faculty, Learner, Program, RotationAssignment, RotationType
from apps.tenants.models import Site


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
    add_existing_person = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="The email belongs to someone of your organization: add the role to them (the names sent are "
                  "not used). Without it such a request is refused with a message saying whose address it is.")

    class Meta:
        model = Learner
        fields = ["id", "program", "email", "first_name", "last_name", "name", "kind", *services.LEARNER_FIELDS,
                  "add_existing_person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # an update never moves a learner or changes who they are
            for name in ("program", "email", "first_name", "last_name", "kind", "add_existing_person"):
                self.fields[name].read_only = True
        request = self.context.get("request")
        if request is not None and getattr(request.user, "company_id", None):
            self.fields["program"].queryset = Program.objects.for_company(request.user.company_id).filter(
                pk__in=access.managed_program_ids(request.user))


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
        company, managed = request.user.company_id, access.managed_program_ids(request.user)
        self.fields["learner"].queryset = Learner.objects.for_company(company).filter(program__in=managed)
        self.fields["rotation_type"].queryset = RotationType.objects.for_company(company).filter(program__in=managed)
        self.fields["site"].queryset = Site.objects.for_company(company)
        self.fields["primary_supervisor"].queryset = Faculty.objects.for_company(company).filter(program__in=managed)
