"""Admin for platform superusers. PROM template versions and responses are append-only and signed
evaluations read-only here, as in the services. A template's item labels are edited through a
form that makes a new version (a clinic holding a licence puts in the licensed text)."""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.audit.platform_admin import PlatformAdmin, ReadOnlyAdmin
from apps.physio.models import (
    BookingRequest,
    Evaluation,
    EvaluationTemplate,
    Exercise,
    IntakeForm,
    IntakeInstance,
    PainAssessment,
    PlanTemplate,
    PlanTemplateItem,
    PlanTemplatePhase,
    PromFlag,
    PromResponse,
    PromTemplate,
    PromTemplateVersion,
    TreatmentPlan,
)


class PromTemplateForm(forms.ModelForm):
    item_labels = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text='{"q1": "the licensed text of item 1", …} — saving with changes makes a new version')

    class Meta:
        model = PromTemplate
        fields = ["name", "is_active", "booking_threshold", "booking_direction"]

    def clean_item_labels(self):
        raw = self.cleaned_data["item_labels"].strip()
        if not raw:
            return {}
        try:
            labels = json.loads(raw)
        except ValueError:
            raise ValidationError("A JSON object of item key → label.") from None
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise ValidationError("A JSON object of item key → label.")
        return labels


@admin.register(PromTemplate)
class PromTemplateAdmin(PlatformAdmin):
    form = PromTemplateForm
    list_display = ["name", "instrument", "current_version", "company", "is_active"]
    readonly_fields = ["instrument", "current_version"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            from apps.physio.services.proms import current_version

            version = current_version(obj)
            form.base_fields["item_labels"].initial = json.dumps({i["key"]: i["label"] for i in version.items},
                                                                 indent=1, ensure_ascii=False)
        return form

    def has_add_permission(self, request):
        return False  # templates come from the scoring engine's instruments (Physio → library)

    def save_model(self, request, obj, form, change):
        from apps.physio.services.proms import current_version, prom_template_revise

        super().save_model(request, obj, form, change)
        labels = form.cleaned_data.get("item_labels") or {}
        current = {i["key"]: i["label"] for i in current_version(obj).items}
        if labels and labels != current:
            prom_template_revise(actor=request.user, template=obj, labels=labels)


@admin.register(PromTemplateVersion)
class PromTemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ["template", "version", "instrument", "company", "created_at"]


@admin.register(PromResponse)
class PromResponseAdmin(ReadOnlyAdmin):
    list_display = ["instrument", "score", "band", "patient", "submitted_at", "company"]


@admin.register(PromFlag)
class PromFlagAdmin(ReadOnlyAdmin):
    list_display = ["kind", "patient", "created_at", "acknowledged_at", "company"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["patient", "status", "author", "signed_at", "company"]


@admin.register(EvaluationTemplate)
class EvaluationTemplateAdmin(PlatformAdmin):
    list_display = ["name", "company", "is_active"]


@admin.register(PainAssessment)
class PainAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["patient", "nprs_now", "recorded_at", "company"]


@admin.register(Exercise)
class ExerciseAdmin(PlatformAdmin):
    list_display = ["name", "company", "is_active"]


class PlanTemplateItemInline(admin.TabularInline):
    model = PlanTemplateItem
    extra = 0
    raw_id_fields = ["exercise"]


@admin.register(PlanTemplatePhase)
class PlanTemplatePhaseAdmin(PlatformAdmin):
    list_display = ["template", "order", "name", "weeks"]
    inlines = [PlanTemplateItemInline]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(PlatformAdmin):
    list_display = ["name", "company", "is_active"]


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(PlatformAdmin):
    list_display = ["title", "patient", "status", "start_date", "company"]
    raw_id_fields = ["patient", "case", "created_by"]


@admin.register(IntakeForm)
class IntakeFormAdmin(PlatformAdmin):
    list_display = ["name", "company", "is_active"]


@admin.register(IntakeInstance)
class IntakeInstanceAdmin(ReadOnlyAdmin):
    list_display = ["form", "patient", "review", "company"]


@admin.register(BookingRequest)
class BookingRequestAdmin(ReadOnlyAdmin):
    list_display = ["reason", "patient", "status", "company"]
