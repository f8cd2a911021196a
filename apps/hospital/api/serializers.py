"""Serializers of the hospital API: output shapes, and input validated here, then by the services."""

from rest_framework import serializers

from apps.hospital import frequencies
from apps.hospital.models import (
    Admission,
    Bed,
    BedAssignment,
    Dispense,
    Dose,
    Draft,
    LabOrder,
    LabResult,
    Prescription,
    StockMove,
)


class BedSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    patient = serializers.SerializerMethodField()
    admission = serializers.SerializerMethodField()

    class Meta:
        model = Bed
        fields = ["id", "label", "status", "patient", "admission"]

    def _assignment(self, bed):
        return bed.open_assignments[0] if getattr(bed, "open_assignments", None) else None

    def get_patient(self, bed) -> dict | None:
        a = self._assignment(bed)
        return {"id": str(a.patient.pk), "name": a.patient.full_name, "mrn": a.patient.mrn} if a else None

    def get_admission(self, bed) -> str | None:
        a = self._assignment(bed)
        return str(a.admission_id) if a else None


class BedAssignmentSerializer(serializers.ModelSerializer):
    bed = serializers.CharField(source="bed.label", read_only=True)
    ward = serializers.CharField(source="bed.ward.name", read_only=True)

    class Meta:
        model = BedAssignment
        fields = ["id", "bed_id", "bed", "ward", "start", "end"]


class AdmissionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    assignments = BedAssignmentSerializer(many=True, read_only=True)
    disposition = serializers.CharField(allow_null=True, read_only=True, source="disposition_or_none")

    class Meta:
        model = Admission
        fields = ["id", "patient_id", "site_id", "reason", "admitting_practitioner_id", "admitted_at", "status",
                  "discharged_at", "disposition", "discharge_summary_id", "assignments"]


class AdmitSerializer(serializers.Serializer):
    patient = serializers.UUIDField()
    site = serializers.UUIDField()
    reason = serializers.CharField(max_length=300)
    practitioner = serializers.UUIDField()
    bed = serializers.UUIDField(required=False, allow_null=True)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class TransferSerializer(serializers.Serializer):
    bed = serializers.UUIDField()


class DischargeSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Admission.Disposition.choices)
    summary = serializers.CharField(max_length=20000)


class DraftSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    class Meta:
        model = Draft
        fields = ["id", "kind", "title", "body", "status", "author_id", "reviewer_id", "reviewed_at", "reason",
                  "site_id", "patient_id", "created_at"]


class DraftDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LabResultSerializer(serializers.ModelSerializer):
    test = serializers.CharField(source="test.name", read_only=True)
    flag = serializers.CharField(source="flag_or_none", allow_null=True, read_only=True)

    class Meta:
        model = LabResult
        fields = ["id", "test_id", "test", "value", "unit", "flag", "reference_text", "resulted_at",
                  "acknowledged_at", "acknowledged_by_id"]


class LabOrderSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    results = LabResultSerializer(many=True, read_only=True)
    has_report = serializers.SerializerMethodField()

    class Meta:
        model = LabOrder
        fields = ["id", "patient_id", "site_id", "admission_id", "ordered_by_id", "ordered_at", "urgency", "status",
                  "status_reason", "clinical_note", "specimen_collected_at", "completed_at", "has_report", "results"]

    def get_has_report(self, order) -> bool:
        return bool(order.report_file)


class LabOrderCreateSerializer(serializers.Serializer):
    patient = serializers.UUIDField()
    site = serializers.UUIDField()
    tests = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=50)
    urgency = serializers.ChoiceField(choices=LabOrder.Urgency.choices, default=LabOrder.Urgency.ROUTINE)
    clinical_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class LabStatusSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=20, help_text="accepted, in-progress, rejected or cancelled")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class LabResultsSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=4), allow_empty=False)


class PrescriptionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    class Meta:
        model = Prescription
        fields = ["id", "patient_id", "site_id", "admission_id", "medication", "strength", "form", "dose", "dose_unit",
                  "route", "frequency", "as_needed", "as_needed_condition", "duration_days", "quantity", "refills",
                  "prescriber_id", "status", "status_reason", "start_at", "end_at", "allergy_warning"]


class PrescriptionCreateSerializer(serializers.Serializer):
    patient = serializers.UUIDField()
    site = serializers.UUIDField()
    medication = serializers.CharField(max_length=200)
    strength = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    form = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    dose = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=0)
    dose_unit = serializers.CharField(max_length=20)
    route = serializers.CharField(max_length=30)
    frequency = serializers.ChoiceField(choices=list(frequencies.FREQUENCIES))
    as_needed = serializers.BooleanField(required=False, default=False)
    as_needed_condition = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    refills = serializers.IntegerField(min_value=0, max_value=12, required=False, default=0)
    acknowledge_allergy = serializers.BooleanField(required=False, default=False)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class PrescriptionStatusSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=20, help_text="active, on-hold, completed, stopped or entered-in-error")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DispenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispense
        fields = ["id", "prescription_id", "lot_id", "quantity", "dispensed_by_id", "dispensed_at"]


class DispenseCreateSerializer(serializers.Serializer):
    lot = serializers.UUIDField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)


class DoseSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    class Meta:
        model = Dose
        fields = ["id", "prescription_id", "due_at", "status", "given_at", "recorded_at", "recorded_by_id", "reason"]


class DoseRecordSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=10, help_text="given, held, refused or missed")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PrnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class StockMoveSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockMove
        fields = ["id", "item_id", "lot_id", "kind", "quantity", "item_balance", "lot_balance", "reason", "moved_at"]


class StockMoveCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["receive", "adjust", "transfer"])
    to_item = serializers.UUIDField(required=False, allow_null=True, help_text="transfer: the same item at another site")
    lot_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
