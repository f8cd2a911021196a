from rest_framework import serializers

from apps.hours import rules
from apps.hours.models import KIND_CHOICES, PlannedShift, TimeRecord, WorkEntry


class TimeRecordSerializer(serializers.ModelSerializer):
    learner = serializers.UUIDField(source="learner_id", read_only=True)
    assignment = serializers.UUIDField(source="assignment_id", read_only=True)
    site = serializers.UUIDField(source="site_id", read_only=True, allow_null=True)
    flagged = serializers.BooleanField(source="is_flagged", read_only=True)

    class Meta:
        model = TimeRecord
        fields = ["id", "learner", "assignment", "site", "source", "status", "clock_in", "clock_out", "total_hours",
                  "activity", "notes", "in_latitude", "in_longitude", "in_accuracy_m", "in_distance_m",
                  "out_latitude", "out_longitude", "out_accuracy_m", "out_distance_m", "flag_outside_geofence",
                  "flag_no_location", "flag_auto_closed", "flag_reason", "flagged", "decided_at", "decision_note"]
        read_only_fields = fields


class LocationSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-90, max_value=90,
                                        required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=-180, max_value=180,
                                         required=False, allow_null=True)
    accuracy = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, max_value=9_999_999,
                                       required=False, allow_null=True)


class ClockInSerializer(LocationSerializer):
    learner = serializers.UUIDField(required=False, allow_null=True,
                                    help_text="Your learner record when you have several")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    key = serializers.UUIDField(required=False, allow_null=True, help_text="Idempotency key")


class DecisionSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=500)
    decision = serializers.ChoiceField(choices=["approved", "needs_info", "rejected"])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class WorkEntrySerializer(serializers.ModelSerializer):
    learner = serializers.UUIDField(source="learner_id", read_only=True)
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    key = serializers.UUIDField(write_only=True, required=False, allow_null=True, help_text="Idempotency key")
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True)

    class Meta:
        model = WorkEntry
        fields = ["id", "learner", "kind", "start", "end", "notes", "from_plan", "key"]
        read_only_fields = ["id", "learner", "from_plan"]


class PlannedShiftSerializer(serializers.ModelSerializer):
    learner = serializers.UUIDField(source="learner_id")
    kind = serializers.ChoiceField(choices=PlannedShift.PLANNED_KINDS)

    class Meta:
        model = PlannedShift
        fields = ["id", "learner", "kind", "start", "end"]
        read_only_fields = ["id"]


class ViolationSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=rules.RULES)
    severity = serializers.ChoiceField(choices=["violation", "warning"])
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    detail = serializers.CharField()


class ComplianceSerializer(serializers.Serializer):
    learner = serializers.UUIDField()
    start = serializers.DateField()
    end = serializers.DateField()
    computed_at = serializers.DateTimeField(allow_null=True, help_text="When the stored findings were computed")
    pending = serializers.BooleanField(help_text="True while the findings are being recomputed after a write: "
                                                 "violations and warnings are then empty, not \"compliant\"")
    violations = ViolationSerializer(many=True)
    warnings = ViolationSerializer(many=True)


def paginated(serializer_class, name):
    """The page a list answers: count, next, previous, results (apps.core.api_paging)."""
    return type(name, (serializers.Serializer,), {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    })


TimeRecordPage = paginated(TimeRecordSerializer, "PaginatedHoursTimeRecordList")
WorkEntryPage = paginated(WorkEntrySerializer, "PaginatedHoursWorkEntryList")
PlannedShiftPage = paginated(PlannedShiftSerializer, "PaginatedHoursPlannedShiftList")
