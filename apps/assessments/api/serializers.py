"""Serializers of the assessment API: they shape input only; the services validate every rule
(the same as the form)."""

from rest_framework import serializers

from apps.assessments.models import (
    NARRATIVE_MAX_LENGTH,
    AssessmentFeedbackTag,
    AssessmentRequest,
    CaseUrgency,
    EPAAssessment,
    LocationType,
)
from apps.reference.models import EPA, CaseType
from apps.tenants.models import User


class TagLinkSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="tag.name", read_only=True)

    class Meta:
        model = AssessmentFeedbackTag
        fields = ["tag", "name", "tag_type"]


class OptionalChoiceField(serializers.ChoiceField):
    """An optional choice: ``null`` when not given (stored as ""), never "" — one value for
    "none", and the schema says so (an enum, nullable)."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value not in (None, "") else None


class AssessmentSerializer(serializers.ModelSerializer):
    tags = TagLinkSerializer(source="tag_links", many=True, read_only=True)
    case_urgency = OptionalChoiceField(CaseUrgency.choices, read_only=True)
    location_type = OptionalChoiceField(LocationType.choices, read_only=True)

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
    case_urgency = OptionalChoiceField(CaseUrgency.choices, required=False, help_text="null (or omitted): none")
    patient_asa_class = serializers.IntegerField(required=False, allow_null=True)
    procedure_minutes = serializers.IntegerField(required=False, allow_null=True)
    complications_occurred = serializers.BooleanField(required=False, allow_null=True)
    location_type = OptionalChoiceField(LocationType.choices, required=False, help_text="null (or omitted): none")
    location_details = serializers.CharField(required=False, allow_blank=True, max_length=100)
    narrative_feedback = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE_MAX_LENGTH)
    tags_went_well = serializers.ListField(child=serializers.IntegerField(), required=False)
    tags_needs_work = serializers.ListField(child=serializers.IntegerField(), required=False)


class AssessmentFilterSerializer(serializers.Serializer):
    """The list filters of /api/assessments/: a malformed value is a 400 naming the parameter."""

    learner = serializers.UUIDField(required=False, help_text="Learner id")
    epa = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="EPA id")
    date_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive")
    date_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive")


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
