"""The appointment book's API shapes. Ids in, ids out; times are ISO 8601 instants (UTC) plus the
site-local start for display."""

import datetime
from zoneinfo import ZoneInfo

from rest_framework import serializers

from apps.scheduling.models import Appointment, AppointmentSeries, WaitlistEntry
from apps.scheduling.services import SCOPES


def _utc():
    return serializers.DateTimeField(read_only=True, default_timezone=datetime.UTC)


class AppointmentSerializer(serializers.ModelSerializer):
    """Instants in UTC; ``local_start`` is the start at the site, with its offset."""

    patient_name = serializers.CharField(source="patient.full_name", read_only=True)
    start, end, original_start, checked_in_at = _utc(), _utc(), _utc(), _utc()
    local_start = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = ["id", "patient", "patient_name", "practitioner", "site", "resource", "service_type", "start", "end",
                  "local_start", "status", "series", "original_start", "overbooked", "cancellation_reason",
                  "late_cancellation", "checked_in_at", "booked_by", "booked_online", "note"]
        read_only_fields = fields

    def get_local_start(self, obj) -> str:
        return obj.start.astimezone(ZoneInfo(obj.site.time_zone)).isoformat()


class BookSerializer(serializers.Serializer):
    """A booking: ``start`` with an offset (or, without one, wall-clock time at the site)."""

    patient = serializers.UUIDField()
    practitioner = serializers.UUIDField()
    site = serializers.UUIDField()
    service_type = serializers.UUIDField()
    start = serializers.CharField(max_length=40, help_text="ISO 8601 with an offset, or site wall-clock time")
    resource = serializers.UUIDField(required=False, allow_null=True)
    overbook = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class SeriesCreateSerializer(BookSerializer):
    rrule = serializers.CharField(max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("overbook")


class ChangeSerializer(serializers.Serializer):
    """PATCH an appointment: a new ``status``, or a move (``start`` and/or ``practitioner``)."""

    status = serializers.ChoiceField(choices=Appointment.Status.choices, required=False)
    start = serializers.CharField(required=False, max_length=40)
    practitioner = serializers.UUIDField(required=False)
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="one")
    overbook = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="one")


class SeriesSerializer(serializers.ModelSerializer):
    occurrences = serializers.SerializerMethodField()

    class Meta:
        model = AppointmentSeries
        fields = ["id", "patient", "practitioner", "site", "resource", "service_type", "rrule", "local_start",
                  "time_zone", "occurrences"]
        read_only_fields = fields

    def get_occurrences(self, obj) -> list:
        return AppointmentSerializer(sorted(obj.occurrences.all(), key=lambda a: a.start), many=True).data


class FreeTimeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.TimeField()
    end = serializers.TimeField()


class WaitlistSerializer(serializers.ModelSerializer):
    preferred_practitioners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = ["id", "patient", "site", "service_type", "preferred_practitioners", "free_times", "urgency", "state",
                  "note", "offered_appointment", "offered_at", "booked_appointment", "created_at"]
        read_only_fields = fields


class WaitlistAddSerializer(serializers.Serializer):
    patient = serializers.UUIDField()
    site = serializers.UUIDField()
    service_type = serializers.UUIDField()
    preferred_practitioners = serializers.ListField(child=serializers.UUIDField(), required=False, default=list,
                                                    max_length=20)
    free_times = FreeTimeSerializer(many=True, required=False, default=list)
    urgency = serializers.ChoiceField(choices=WaitlistEntry.Urgency.choices, required=False,
                                      default=WaitlistEntry.Urgency.ROUTINE)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
