"""Reference library serializers. Writes go through apps.reference.services, which runs the
model's own rules (full_clean, validators.py)."""

from rest_framework import serializers

from apps.reference import services
from apps.reference.models import (
    EPA,
    CaseType,
    Competency,
    EntrustmentLevel,
    EntrustmentScale,
    EPASet,
    FeedbackTag,
    Milestone,
    MilestoneSet,
    Specialty,
)


class ReferenceSerializer(serializers.ModelSerializer):
    """Saves through ``reference_row_save`` (full_clean + history user + audit). Uniqueness is
    left to the model's own constraints so the messages match the admin's."""

    immutable_fields: tuple = ()

    def validate(self, attrs):
        if self.instance is not None:
            changed = {name: "Cannot change once created." for name in self.immutable_fields
                       if name in attrs and attrs[name] != getattr(self.instance, name)}
            if changed:
                raise serializers.ValidationError(changed)
        return attrs

    @property
    def actor(self):
        return self.context["request"].user

    def create(self, validated_data):
        return self.save_row(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_row(instance)

    def save_row(self, instance):
        return services.reference_row_save(actor=self.actor, instance=instance)


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntrustmentLevel
        fields = ["number", "label", "descriptor"]
        validators = []


class EntrustmentScaleSerializer(ReferenceSerializer):
    levels = LevelSerializer(many=True, required=False)
    immutable_fields = ("code",)

    class Meta:
        model = EntrustmentScale
        fields = ["code", "name", "source", "levels"]

    def create(self, validated_data):
        levels = validated_data.pop("levels", [])
        return services.entrustment_scale_save(actor=self.actor, scale=EntrustmentScale(**validated_data),
                                               levels=levels)

    def update(self, instance, validated_data):
        levels = validated_data.pop("levels", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.entrustment_scale_save(actor=self.actor, scale=instance, levels=levels)


class EPASerializer(serializers.ModelSerializer):
    class Meta:
        model = EPA
        fields = ["id", "number", "name", "short_name", "description", "category", "display_order"]


class EPAWriteSerializer(ReferenceSerializer):
    class Meta:
        model = EPA
        fields = ["id", "epa_set", "number", "name", "short_name", "description", "category", "display_order"]
        validators = []

    def save_row(self, instance):
        return services.epa_save(actor=self.actor, epa=instance)


class EPASetSerializer(ReferenceSerializer):
    """POST publishes a new version (``epa_set_publish``: retires the specialty's current set).
    PATCH/PUT change the name and source only; EPAs are edited at /api/reference/epas/."""

    specialty = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all())
    levels = LevelSerializer(source="scale.levels", many=True, read_only=True)
    epas = EPASerializer(many=True, required=False)
    immutable_fields = ("specialty", "version", "effective_date", "scale")

    class Meta:
        model = EPASet
        fields = ["id", "specialty", "version", "name", "effective_date", "retired_on", "scale", "levels", "epas",
                  "source"]
        read_only_fields = ["retired_on"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None and "epas" in attrs:
            raise serializers.ValidationError({"epas": "Edit EPAs at /api/reference/epas/, or publish a new version."})
        return super().validate(attrs)

    def create(self, validated_data):
        epas = [dict(values) for values in validated_data.pop("epas", [])]
        return services.epa_set_publish(actor=self.actor, epas=epas, **validated_data)


class MilestoneSerializer(ReferenceSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "milestone_set", "competency", "subcompetency_code", "title", *Milestone.LEVEL_FIELDS,
                  "display_order"]
        validators = []


class NestedMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "competency", "subcompetency_code", "title", *Milestone.LEVEL_FIELDS, "display_order"]


class MilestoneSetSerializer(ReferenceSerializer):
    """Like EPA sets: POST publishes (``milestone_set_publish``); milestones are edited at
    /api/reference/milestones/."""

    specialty = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all())
    milestones = NestedMilestoneSerializer(many=True, required=False)
    immutable_fields = ("specialty", "version", "effective_date")

    class Meta:
        model = MilestoneSet
        fields = ["id", "specialty", "version", "name", "effective_date", "retired_on", "milestones", "source"]
        read_only_fields = ["retired_on"]
        validators = []

    def validate(self, attrs):
        if self.instance is not None and "milestones" in attrs:
            raise serializers.ValidationError(
                {"milestones": "Edit milestones at /api/reference/milestones/, or publish a new version."})
        return super().validate(attrs)

    def create(self, validated_data):
        milestones = [dict(values) for values in validated_data.pop("milestones", [])]
        return services.milestone_set_publish(actor=self.actor, milestones=milestones, **validated_data)


class CompetencySerializer(ReferenceSerializer):
    immutable_fields = ("code",)

    class Meta:
        model = Competency
        fields = ["code", "name", "abbreviation", "description", "display_order"]


class SpecialtySerializer(ReferenceSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all(), required=False,
                                          allow_null=True)
    prerequisites = serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all(), many=True,
                                                 required=False)
    immutable_fields = ("code",)

    class Meta:
        model = Specialty
        fields = ["code", "name", "category", "acgme_specialty_code", "typical_duration_years", "is_subspecialty",
                  "parent", "pathway_type", "prerequisites", "certifying_board"]

    def create(self, validated_data):
        prerequisites = validated_data.pop("prerequisites", [])
        return services.specialty_save(actor=self.actor, specialty=Specialty(**validated_data),
                                       prerequisites=prerequisites)

    def update(self, instance, validated_data):
        prerequisites = validated_data.pop("prerequisites", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.specialty_save(actor=self.actor, specialty=instance, prerequisites=prerequisites)


class CaseTypeSerializer(ReferenceSerializer):
    """Superusers write shared case types only (company stays empty)."""

    private = serializers.SerializerMethodField()

    class Meta:
        model = CaseType
        fields = ["id", "epa", "code", "name", "typical_minutes", "is_active", "private"]
        validators = []

    def get_private(self, case_type) -> bool:
        return case_type.company_id is not None


class FeedbackTagSerializer(ReferenceSerializer):
    private = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackTag
        fields = ["id", "category", "name", "description", "specialty", "is_active", "private"]
        validators = []

    def get_private(self, tag) -> bool:
        return tag.company_id is not None
