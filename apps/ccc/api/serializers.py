from rest_framework import serializers

from apps.ccc.models import CCCMeeting, MilestoneAssessment, MilestoneLevel, Period, ResidentReview

REVIEW_PUBLIC_FIELDS = ["id", "meeting", "learner", "overall_performance", "promotion_recommendation", "strengths",
                        "areas_for_improvement", "remediation", "remediation_plan", "follow_up_date", "finalised_at"]


class MeetingSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    residents = serializers.SerializerMethodField()

    class Meta:
        model = CCCMeeting
        fields = ["id", "program", "academic_year", "period", "date", "chair", "status", "started_at",
                  "completed_at", "members", "residents"]
        read_only_fields = fields

    def get_members(self, meeting) -> list[dict]:
        return [{"user": str(m.user_id), "attended": m.attended} for m in meeting.members.all()]

    def get_residents(self, meeting) -> list[str]:
        return [str(r.learner_id) for r in meeting.residents.all()]


class MeetingCreateSerializer(serializers.Serializer):
    submission_key = serializers.UUIDField(required=False)
    program = serializers.UUIDField()
    academic_year = serializers.UUIDField()
    period = serializers.ChoiceField(choices=Period.choices)
    date = serializers.DateField()
    chair = serializers.UUIDField()
    members = serializers.ListField(child=serializers.UUIDField(), max_length=100)
    residents = serializers.ListField(child=serializers.UUIDField(), max_length=500)


class CompleteSerializer(serializers.Serializer):
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=50000)


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidentReview
        fields = REVIEW_PUBLIC_FIELDS + ["discussion_notes"]
        read_only_fields = fields


class ResidentReviewPublicSerializer(serializers.ModelSerializer):
    """What the resident sees: no discussion notes."""

    class Meta:
        model = ResidentReview
        fields = REVIEW_PUBLIC_FIELDS
        read_only_fields = fields


class LevelInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField()
    level = serializers.ChoiceField(choices=MilestoneLevel.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReviewRecordSerializer(serializers.Serializer):
    meeting = serializers.UUIDField()
    learner = serializers.UUIDField()
    overall_performance = serializers.ChoiceField(choices=ResidentReview.Performance.choices)
    promotion_recommendation = serializers.ChoiceField(choices=ResidentReview.Recommendation.choices)
    strengths = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    areas_for_improvement = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    remediation = serializers.BooleanField(required=False, default=False)
    remediation_plan = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    discussion_notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    levels = LevelInputSerializer(many=True, required=False, max_length=100)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class MilestoneAssessmentSerializer(serializers.ModelSerializer):
    subcompetency = serializers.CharField(source="milestone.subcompetency_code", read_only=True)

    class Meta:
        model = MilestoneAssessment
        fields = ["id", "learner", "milestone", "subcompetency", "academic_year", "period", "level", "rationale",
                  "decided_by", "meeting", "reported_at"]
        read_only_fields = fields


class MilestoneAssessmentChangeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=MilestoneLevel.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
