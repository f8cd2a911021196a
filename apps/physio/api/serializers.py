from rest_framework import serializers

from apps.physio.models import Channel, ExerciseFeedback, PromResponse, PromTemplate, TreatmentPlan


class PromTemplateSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = PromTemplate
        fields = ["id", "instrument", "name", "current_version", "booking_threshold", "booking_direction", "items"]

    def get_items(self, template) -> list:
        version = self.context.get("versions", {}).get(template.pk)
        return version.items if version else []


class SendSerializer(serializers.Serializer):
    template = serializers.UUIDField()
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class InstanceSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    template = serializers.CharField(source="template_version.template.name", read_only=True)
    version = serializers.IntegerField(source="template_version.version", read_only=True)
    channel = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class ResponseSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template_version.template.name", read_only=True)
    version = serializers.IntegerField(source="template_version.version", read_only=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = PromResponse
        fields = ["id", "instrument", "template", "version", "answers", "score", "band", "subscales", "score_reason",
                  "submitted_at"]


class PlanSerializer(serializers.ModelSerializer):
    template = serializers.UUIDField(source="template_id", required=False, allow_null=True)
    status = serializers.CharField(read_only=True, help_text="active or completed")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True, write_only=True)
    phases = serializers.SerializerMethodField()

    class Meta:
        model = TreatmentPlan
        fields = ["id", "title", "start_date", "status", "template", "idempotency_key", "phases"]
        read_only_fields = ["id", "status"]
        extra_kwargs = {"start_date": {"required": False}, "title": {"required": False}}

    def get_phases(self, plan) -> list:
        phases = self.context.get("phases")
        if phases is None:
            return []
        return [{"id": str(p.pk), "name": p.name, "weeks": p.weeks, "exercises": [
            {"id": str(e.pk), "exercise": e.exercise.name, "sets": e.sets, "reps": e.reps, "hold_seconds": e.hold_seconds,
             "frequency": e.frequency} for e in p.exercises.all()]} for p in phases]


class FeedbackSerializer(serializers.ModelSerializer):
    idempotency_key = serializers.UUIDField(required=False, allow_null=True, write_only=True)

    class Meta:
        model = ExerciseFeedback
        fields = ["id", "session_date", "done", "pain_during", "difficulty", "comment", "idempotency_key", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"session_date": {"required": False}}
