"""django-import-export resources for the reference library (admin CSV/XLSX import and export).

Every row goes through the model's ``full_clean()`` (which runs apps.reference.validators), plus
the cross-row rules below. The admin always runs a dry run first, inside a transaction
(IMPORT_EXPORT_USE_TRANSACTIONS), and offers to confirm only when no row failed: one bad row
means nothing is imported, and the preview lists every bad row with its message."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from import_export import fields, resources, widgets

from apps.reference import selectors, validators
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


class ReferenceResource(resources.ModelResource):
    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        queryset = self._meta.model._default_manager.all()
        # Case types and feedback tags are fail-closed; the platform import reads every company's.
        return queryset.unscoped() if hasattr(queryset, "unscoped") else queryset


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key named by several columns of the same row (``columns``: model lookup →
    column name); the widget's own column holds the first part. Export writes that first part;
    the resource exports the other columns as read-only fields, so export → import round-trips."""

    def __init__(self, model, field, columns: dict, describe: str):
        self.columns, self.describe = columns, describe
        super().__init__(model, field)

    def get_lookup_kwargs(self, value, row, **kwargs):
        lookup = {self.field: str(value).strip()}
        lookup.update({key: str(row.get(column) or "").strip() for key, column in self.columns.items()})
        return lookup

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            named = ", ".join(f"{k} {v}" for k, v in self.get_lookup_kwargs(value, row).items())
            raise ValueError(f"No {self.describe} with {named}.") from None


class CompetencyWidget(widgets.ForeignKeyWidget):
    """Competency by abbreviation (PC) or code (patient_care); exported as the abbreviation."""

    def __init__(self):
        super().__init__(Competency, "abbreviation")

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        found = Competency.objects.filter(Q(abbreviation=value) | Q(code=value)).first()
        if found is None:
            raise ValueError(f"No competency with abbreviation or code {value}.")
        return found


def _epa_set_field():
    widget = NaturalKeyWidget(EPASet, "specialty_id", {"version": "version"}, "EPA set")
    return fields.Field(attribute="epa_set", column_name="specialty_code", widget=widget)


def _add_error(errors, field, message):
    errors.setdefault(field, []).append(message)


class SpecialtyResource(ReferenceResource):
    parent = fields.Field(attribute="parent", column_name="parent",
                          widget=widgets.ForeignKeyWidget(Specialty, "code"))
    prerequisites = fields.Field(attribute="prerequisites", column_name="prerequisites",
                                 widget=widgets.ManyToManyWidget(Specialty, field="code", separator=";"))

    class Meta(ReferenceResource.Meta):
        model = Specialty
        import_id_fields = ["code"]
        fields = ["code", "name", "category", "acgme_specialty_code", "typical_duration_years", "is_subspecialty",
                  "parent", "pathway_type", "prerequisites", "certifying_board"]

    def before_import(self, dataset, **kwargs):
        # The graph as it will be once the whole file is in: stored links overlaid with the file's.
        self.parents, self.prerequisite_graph = selectors.specialty_graph()
        self.file_prerequisites = {}
        for row in dataset.dict:
            code = (row.get("code") or "").strip()
            wanted = {c.strip() for c in str(row.get("prerequisites") or "").split(";") if c.strip()}
            self.parents[code] = (row.get("parent") or "").strip() or None
            self.prerequisite_graph[code] = wanted
            self.file_prerequisites[code] = wanted

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        code = instance.code
        try:
            validators.validate_specialty_links(
                code=code, parent_code=instance.parent_id,
                prerequisite_codes=self.file_prerequisites.get(code, set()),
                parents={k: v for k, v in self.parents.items() if k != code},
                prerequisites={k: v for k, v in self.prerequisite_graph.items() if k != code},
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        super().validate_instance(instance, errors, validate_unique)


class CompetencyResource(ReferenceResource):
    class Meta(ReferenceResource.Meta):
        model = Competency
        import_id_fields = ["code"]
        fields = ["code", "name", "abbreviation", "description", "display_order"]


class EntrustmentScaleResource(ReferenceResource):
    class Meta(ReferenceResource.Meta):
        model = EntrustmentScale
        import_id_fields = ["code"]
        fields = ["code", "name", "source"]


class EntrustmentLevelResource(ReferenceResource):
    scale = fields.Field(attribute="scale", column_name="scale",
                         widget=widgets.ForeignKeyWidget(EntrustmentScale, "code"))

    class Meta(ReferenceResource.Meta):
        model = EntrustmentLevel
        import_id_fields = ["scale", "number"]
        fields = ["scale", "number", "label", "descriptor"]

    def before_import(self, dataset, **kwargs):
        """Numbers each scale will have after the import, to check they run 1…n."""
        self.numbers_by_scale = {}
        for row in dataset.dict:
            scale, number = str(row.get("scale") or "").strip(), str(row.get("number") or "").strip()
            if number.isdigit():
                self.numbers_by_scale.setdefault(scale, set()).add(int(number))
        stored = EntrustmentLevel.objects.filter(scale_id__in=self.numbers_by_scale).values_list("scale_id", "number")
        for scale, number in stored:
            self.numbers_by_scale[scale].add(number)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            validators.validate_level_numbers(self.numbers_by_scale.get(instance.scale_id, set()))
        except ValidationError as error:
            _add_error(errors, "number", error.messages[0])
        super().validate_instance(instance, errors, validate_unique)


class EPASetResource(ReferenceResource):
    class Meta(ReferenceResource.Meta):
        model = EPASet
        import_id_fields = ["specialty", "version"]
        fields = ["specialty", "version", "name", "effective_date", "retired_on", "scale", "source"]


class EPAResource(ReferenceResource):
    """The set is named by (specialty_code, version), never by its database id."""

    epa_set = _epa_set_field()
    version = fields.Field(attribute="epa_set__version", column_name="version", readonly=True)

    class Meta(ReferenceResource.Meta):
        model = EPA
        import_id_fields = ["epa_set", "number"]
        fields = ["epa_set", "version", "number", "name", "short_name", "description", "category", "display_order"]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk and selectors.epa_is_used(instance):
            stored = EPA.objects.get(pk=instance.pk)
            if stored.name != instance.name:
                _add_error(errors, "name", f"{stored} has assessments: its name cannot change.")
        super().validate_instance(instance, errors, validate_unique)


class MilestoneSetResource(ReferenceResource):
    class Meta(ReferenceResource.Meta):
        model = MilestoneSet
        import_id_fields = ["specialty", "version"]
        fields = ["specialty", "version", "name", "effective_date", "retired_on", "source"]


class MilestoneResource(ReferenceResource):
    """The set is named by (specialty_code, version); the competency by abbreviation or code."""

    milestone_set = fields.Field(
        attribute="milestone_set", column_name="specialty_code",
        widget=NaturalKeyWidget(MilestoneSet, "specialty_id", {"version": "version"}, "milestone set"))
    version = fields.Field(attribute="milestone_set__version", column_name="version", readonly=True)
    competency = fields.Field(attribute="competency", column_name="competency", widget=CompetencyWidget())

    class Meta(ReferenceResource.Meta):
        model = Milestone
        import_id_fields = ["milestone_set", "subcompetency_code"]
        fields = ["milestone_set", "version", "competency", "subcompetency_code", "title", *Milestone.LEVEL_FIELDS,
                  "display_order"]


class CaseTypeResource(ReferenceResource):
    """The EPA is named by (specialty_code, epa_version, epa_number)."""

    specialty_code = fields.Field(attribute="epa__epa_set__specialty_id", column_name="specialty_code", readonly=True)
    epa_version = fields.Field(attribute="epa__epa_set__version", column_name="epa_version", readonly=True)
    epa = fields.Field(attribute="epa", column_name="epa_number", widget=NaturalKeyWidget(
        EPA, "number", {"epa_set__specialty_id": "specialty_code", "epa_set__version": "epa_version"}, "EPA"))

    class Meta(ReferenceResource.Meta):
        model = CaseType
        import_id_fields = ["epa", "company", "code"]
        fields = ["specialty_code", "epa_version", "epa", "company", "code", "name", "typical_minutes", "is_active"]


class FeedbackTagResource(ReferenceResource):
    class Meta(ReferenceResource.Meta):
        model = FeedbackTag
        import_id_fields = ["category", "company", "name"]
        fields = ["category", "company", "name", "description", "specialty", "is_active"]
