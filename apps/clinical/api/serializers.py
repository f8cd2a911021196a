from rest_framework import serializers

from apps.clinical.models import (
    Addendum,
    Case,
    Note,
    NoteRevision,
    Patient,
    VitalSigns,
)
from apps.clinical.services.records import RECORD_FIELDS, RECORD_KINDS

PATIENT_WRITE_FIELDS = ["first_name", "middle_name", "last_name", "preferred_name", "date_of_birth", "sex",
                        "gender_identity", "phone", "email", "address_line", "city", "region", "postal_code",
                        "country", "preferred_language", "emergency_contacts", "insurance_payer",
                        "insurance_member_id"]


class EmergencyContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class PatientSerializer(serializers.ModelSerializer):
    home_site = serializers.UUIDField(source="home_site_id")
    emergency_contacts = EmergencyContactSerializer(many=True, required=False)
    confirm_not_duplicate = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Patient
        fields = ["id", "mrn", *PATIENT_WRITE_FIELDS, "home_site", "confirm_not_duplicate", "created_at"]
        read_only_fields = ["id", "mrn", "created_at"]


class RecordSerializer(serializers.Serializer):
    """Built per kind: the kind's fields plus the entered-in-error state."""

    @classmethod
    def for_kind(cls, kind):
        model = RECORD_KINDS[kind]

        class Meta:
            pass

        Meta.model = model
        Meta.fields = ["id", *RECORD_FIELDS[kind], "recorded_by", "created_at", "entered_in_error_at",
                       "entered_in_error_reason"]
        Meta.read_only_fields = ["id", "recorded_by", "created_at", "entered_in_error_at", "entered_in_error_reason"]
        return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": Meta})


class VitalsSerializer(serializers.ModelSerializer):
    """In: rr, spo2, spo2_scale, on_oxygen, sbp, dbp, pulse, consciousness (A, C, V, P, U), temp, and
    optionally weight_kg, height_cm, pain, site. Out: the same plus bmi, flags, news2_score, news2_risk."""

    site = serializers.UUIDField(source="site_id", required=False)

    class Meta:
        model = VitalSigns
        fields = ["id", "recorded_at", "site", "rr", "spo2", "spo2_scale", "on_oxygen", "sbp", "dbp", "pulse",
                  "consciousness", "temp", "weight_kg", "height_cm", "pain", "bmi", "flags", "news2_score",
                  "news2_risk", "news2_parameters"]
        read_only_fields = ["id", "bmi", "flags", "news2_score", "news2_risk", "news2_parameters"]


class CaseSerializer(serializers.ModelSerializer):
    responsible_practitioner = serializers.UUIDField(source="responsible_practitioner_id")

    class Meta:
        model = Case
        fields = ["id", "title", "diagnosis_text", "diagnosis_code", "status", "opened_at", "closed_at",
                  "responsible_practitioner"]
        read_only_fields = ["id", "status", "opened_at", "closed_at"]


class VisitSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    site = serializers.UUIDField(source="site_id")
    practitioner = serializers.UUIDField(source="practitioner_id")
    visited_at = serializers.DateTimeField(required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    appointment_id = serializers.UUIDField(required=False, allow_null=True)
    status = serializers.CharField(read_only=True)


class SoapSerializer(serializers.Serializer):
    subjective = serializers.CharField(required=False, allow_blank=True)
    objective = serializers.CharField(required=False, allow_blank=True)
    assessment = serializers.CharField(required=False, allow_blank=True)
    plan = serializers.CharField(required=False, allow_blank=True)


class NoteWriteSerializer(serializers.Serializer):
    content = SoapSerializer()
    confidential = serializers.BooleanField(required=False, default=False)


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoteRevision
        fields = ["version", "content", "author", "created_at"]


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addendum
        fields = ["id", "author", "written_at", "text", "digest"]
        read_only_fields = ["id", "author", "written_at", "digest"]


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "visit", "patient", "author", "status", "confidential", "current_version", "signed_at",
                  "signed_by", "signed_version", "signed_digest", "cosign_required", "cosigned_at", "cosigned_by"]
        read_only_fields = fields
