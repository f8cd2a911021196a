"""Platform admin for the shared reference library (superusers only).

Every model has search, filters, a history view (who changed what, via simple-history) and
CSV/XLSX import/export through apps.reference.resources. The same validation rules as the
loader and the services (apps.reference.validators) run on every form, inline and imported row."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from import_export.admin import ImportExportModelAdmin

from apps.audit.platform_admin import AuditedImportMixin, PlatformAdmin
from apps.core.downloads import SafeCSV, SafeXLSX
from apps.reference import resources, selectors, validators
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

LOCKED_WHEN_USED = ("epa_set", "number", "name")


class ReferenceAdmin(AuditedImportMixin, ImportExportModelAdmin, PlatformAdmin):
    """Superuser-only (PlatformAdmin), history per object, CSV/XLSX import and export."""

    formats = [SafeCSV, SafeXLSX]  # exports never write a formula cell (apps.core.downloads)

    def has_import_permission(self, request):
        return request.user.is_superuser

    def has_export_permission(self, request):
        return request.user.is_superuser


# ---------------------------------------------------------------- specialties
class SpecialtyAdminForm(forms.ModelForm):
    class Meta:
        model = Specialty
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code") or self.instance.code
        parent = cleaned.get("parent")
        parents, prerequisites = selectors.specialty_graph()
        parents.pop(code, None)
        prerequisites.pop(code, None)
        try:
            validators.validate_specialty_links(
                code=code, parent_code=parent.code if parent else None,
                prerequisite_codes={s.code for s in cleaned.get("prerequisites") or []},
                parents=parents, prerequisites=prerequisites,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return cleaned


@admin.register(Specialty)
class SpecialtyAdmin(ReferenceAdmin):
    form = SpecialtyAdminForm
    resource_classes = [resources.SpecialtyResource]
    list_display = ["name", "code", "category", "acgme_specialty_code", "typical_duration_years", "is_subspecialty",
                    "parent", "pathway_type"]
    list_filter = ["category", "pathway_type", "is_subspecialty"]
    search_fields = ["name", "code", "acgme_specialty_code", "certifying_board"]
    list_select_related = ["parent"]
    filter_horizontal = ["prerequisites"]


@admin.register(Competency)
class CompetencyAdmin(ReferenceAdmin):
    resource_classes = [resources.CompetencyResource]
    list_display = ["name", "abbreviation", "code", "display_order"]
    search_fields = ["name", "abbreviation", "code"]
    ordering = ["display_order"]


# ---------------------------------------------------------------- scales
class LevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        numbers = [form.cleaned_data["number"] for form in self.forms
                   if form.cleaned_data.get("number") is not None and not form.cleaned_data.get("DELETE")]
        validators.validate_level_numbers(numbers)


class EntrustmentLevelInline(admin.TabularInline):
    model = EntrustmentLevel
    formset = LevelFormSet
    extra = 0
    ordering = ["number"]


@admin.register(EntrustmentScale)
class EntrustmentScaleAdmin(ReferenceAdmin):
    resource_classes = [resources.EntrustmentScaleResource]
    inlines = [EntrustmentLevelInline]
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(EntrustmentLevel)
class EntrustmentLevelAdmin(ReferenceAdmin):
    """Levels are edited on their scale (so the 1…n rule sees them all); listed here for
    import/export and history."""

    resource_classes = [resources.EntrustmentLevelResource]
    list_display = ["scale", "number", "label"]
    list_filter = ["scale"]
    search_fields = ["label", "descriptor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the per-scale number rule needs every level at once: edit on the scale

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- EPA sets
class EPAInlineForm(forms.ModelForm):
    """An EPA that assessments point at keeps its number and name: the inline shows them
    disabled (a disabled field ignores whatever is posted)."""

    class Meta:
        model = EPA
        fields = ["number", "name", "short_name", "description", "category", "display_order"]

    def __init__(self, *args, used_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk in used_ids:
            for name in ("number", "name"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Locked: assessments use this EPA."


class EPAInlineFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_used_ids"):
            stored = self.get_queryset().values_list("pk", flat=True) if self.instance.pk else []
            self._used_ids = selectors.epa_ids_in_use(stored)
        kwargs["used_ids"] = self._used_ids
        return kwargs

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk in getattr(self, "_used_ids", ()):
                raise ValidationError(f"{form.instance} has assessments and cannot be deleted.")


class EPAInline(admin.TabularInline):
    model = EPA
    form = EPAInlineForm
    formset = EPAInlineFormSet
    extra = 0
    ordering = ["display_order", "number"]


@admin.register(EPASet)
class EPASetAdmin(ReferenceAdmin):
    resource_classes = [resources.EPASetResource]
    inlines = [EPAInline]
    list_display = ["name", "version", "specialty", "scale", "effective_date", "retired_on"]
    list_filter = ["specialty", "scale", "retired_on"]
    search_fields = ["name", "version", "specialty__name"]
    list_select_related = ["specialty", "scale"]
    date_hierarchy = "effective_date"


@admin.register(EPA)
class EPAAdmin(ReferenceAdmin):
    resource_classes = [resources.EPAResource]
    list_display = ["number", "name", "short_name", "epa_set", "display_order"]
    list_filter = ["epa_set__specialty", "epa_set"]
    search_fields = ["name", "short_name", "description"]
    list_select_related = ["epa_set"]
    ordering = ["epa_set", "display_order", "number"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and selectors.epa_is_used(obj):
            readonly += [name for name in LOCKED_WHEN_USED if name not in readonly]
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and selectors.epa_is_used(obj):
            return False
        return super().has_delete_permission(request, obj)


# ---------------------------------------------------------------- milestone sets
class MilestoneInline(admin.StackedInline):
    model = Milestone
    extra = 0
    ordering = ["display_order"]
    fields = ["subcompetency_code", "title", "competency", "display_order", *Milestone.LEVEL_FIELDS]


@admin.register(MilestoneSet)
class MilestoneSetAdmin(ReferenceAdmin):
    resource_classes = [resources.MilestoneSetResource]
    inlines = [MilestoneInline]
    list_display = ["name", "version", "specialty", "effective_date", "retired_on"]
    list_filter = ["specialty", "retired_on"]
    search_fields = ["name", "version", "specialty__name"]
    list_select_related = ["specialty"]


@admin.register(Milestone)
class MilestoneAdmin(ReferenceAdmin):
    resource_classes = [resources.MilestoneResource]
    list_display = ["subcompetency_code", "title", "competency", "milestone_set"]
    list_filter = ["milestone_set", "competency"]
    search_fields = ["subcompetency_code", "title"]
    list_select_related = ["competency", "milestone_set"]


# ---------------------------------------------------------------- case types and feedback tags
@admin.register(CaseType)
class CaseTypeAdmin(ReferenceAdmin):
    """Shared rows (no company) and every company's private ones: unscoped on purpose."""

    resource_classes = [resources.CaseTypeResource]
    list_display = ["name", "code", "epa", "company", "typical_minutes", "is_active"]
    list_filter = ["is_active", ("company", admin.EmptyFieldListFilter), "epa__epa_set"]
    search_fields = ["name", "code"]
    list_select_related = ["epa", "company"]
    autocomplete_fields = ["epa"]


@admin.register(FeedbackTag)
class FeedbackTagAdmin(ReferenceAdmin):
    resource_classes = [resources.FeedbackTagResource]
    list_display = ["name", "category", "specialty", "company", "is_active"]
    list_filter = ["category", "is_active", ("company", admin.EmptyFieldListFilter), "specialty"]
    search_fields = ["name", "description"]
    list_select_related = ["specialty", "company"]
