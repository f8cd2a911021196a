"""Forms for the phone-first assessment form and the learner's request form. They only shape
input; every rule lives in apps.assessments.services (the API uses the same service)."""

import functools
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html

from apps.assessments.models import NARRATIVE_MAX_LENGTH, TAG_CATEGORY, CaseUrgency, LocationType
from apps.reference.models import EPA
from apps.tenants.models import Site


class _ReadOnce(BaseChoiceIterator):
    """Choices read at their first use and kept, as (value, label) pairs with string labels. A
    callable given as choices is wrapped by Django in a CallableChoiceIterator that normalises the
    whole list again at every iteration (a select is iterated twice per render: its ``required``
    check and its options); ``normalize_choices`` leaves a BaseChoiceIterator as it is (issue 19)."""

    def __init__(self, load):
        self.load = functools.cache(load)

    def __iter__(self):
        return iter(self.load())


def _load_choices(field, queryset, load=None) -> None:
    """Give a model choice field its queryset (it validates a POST) and choices read at most once,
    and only when the form is rendered (a valid POST redirects without reading them): a
    ModelChoiceField otherwise re-queries at each render, and two fields sharing a queryset query
    twice. ``load`` returns the objects when the caller has them (or shares them between fields):
    the posted value is then validated against those rows too, not queried again. ``queryset=None``
    (a form only rendered, never validated: the new form's GET): the choices come from ``load``
    and no queryset is built (issue 19)."""
    if queryset is not None:
        field.queryset = queryset
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    if load is not None and queryset is not None:
        _validate_from(field, load)
    load = load or functools.cache(lambda: list(queryset))
    field.choices = _ReadOnce(lambda: empty + [iterator.choice(obj) for obj in load()])


def _validate_from(field, load) -> None:
    """The field's posted value(s) must be among ``load()`` (the queryset's rows, already read):
    the same answers as ModelChoiceField.to_python / ModelMultipleChoiceField._check_values,
    without a query each (issue 19: the form's POST)."""
    pk_field = field.queryset.model._meta.pk

    def key_of(value, error):
        field.validate_no_null_characters(value)
        try:
            return pk_field.to_python(getattr(value, "pk", value))
        except (ValidationError, ValueError, TypeError):
            raise error

    def invalid_choice(value):
        return ValidationError(field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})

    if isinstance(field, forms.ModelMultipleChoiceField):
        def check_values(value):
            try:
                values = frozenset(value)
            except TypeError:
                raise ValidationError(field.error_messages["invalid_list"], code="invalid_list")
            keys = {key_of(pk, ValidationError(field.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                               params={"pk": pk})): pk for pk in values}
            found = [obj for obj in load() if obj.pk in keys]  # in the queryset's order
            missing = set(keys) - {obj.pk for obj in found}
            if missing:
                raise invalid_choice(keys[next(iter(missing))])
            return found
        field._check_values = check_values
    else:
        def to_python(value):
            if value in field.empty_values:
                return None
            key = key_of(value, invalid_choice(value))
            found = next((obj for obj in load() if obj.pk == key), None)
            if found is None:
                raise invalid_choice(value)
            return found
        field.to_python = to_python


def _tag_list(value) -> list:
    """No tag chosen: [] rather than ModelMultipleChoiceField's ``queryset.none()``, which the
    submit service would iterate twice through the ORM's compiler for nothing (issue 19)."""
    if isinstance(value, QuerySet) and value.query.is_empty():
        return []
    return value


class AssessmentForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    learner = forms.ModelChoiceField(queryset=None, empty_label="Choose the learner")
    epa = forms.ModelChoiceField(queryset=None, label="EPA", empty_label="Choose the EPA")
    entrustment_level = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Entrustment level")
    assessment_date = forms.DateField(label="Case date", widget=forms.DateInput(attrs={"type": "date"}))
    case_type = forms.ModelChoiceField(queryset=None, required=False, label="Case type")
    site = forms.ModelChoiceField(queryset=None, required=False)
    case_urgency = forms.ChoiceField(choices=[("", "—")] + CaseUrgency.choices, required=False, label="Urgency")
    patient_asa_class = forms.IntegerField(required=False, label="ASA class (1–6)",
                                           widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    procedure_minutes = forms.IntegerField(required=False, label="Minutes",
                                           widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    complications_occurred = forms.NullBooleanField(
        required=False, label="Complications",
        widget=forms.Select(choices=[("unknown", "—"), ("false", "None"), ("true", "Yes")]))
    location_type = forms.ChoiceField(choices=[("", "—")] + LocationType.choices, required=False, label="Location")
    location_details = forms.CharField(required=False, max_length=100, label="Location details")
    tags_went_well = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                    widget=forms.CheckboxSelectMultiple, label="Went well")
    tags_needs_work = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                     widget=forms.CheckboxSelectMultiple, label="Needs work")
    narrative_feedback = forms.CharField(required=False, max_length=NARRATIVE_MAX_LENGTH,
                                         widget=forms.Textarea(attrs={"rows": 3}), label="Narrative feedback")

    def __init__(self, *args, learners, epas, epa_list, levels, company_id, case_types, tags, case_type_rows=None,
                 learner_choices=None, site_choices=None, tag_rows=None, **kwargs):
        """``epas`` validates the posted EPA; ``epa_list`` (the same rows, already loaded with
        their scale's levels) and ``levels`` (the chosen EPA's scale) fill the choices, so the
        page renders with one query per kind of choice however many options there are.
        ``case_type_rows()``: the case types read with the EPAs (no query of their own).
        ``learner_choices()``: the learners' (id, label) read as values (``selectors.learner_choices``),
        shown instead of a Learner, its user and its program built per option; ``learners`` still
        validates a posted learner (one read of the chosen one); ``site_choices()`` likewise for the
        sites. ``tag_rows()``: the rows of ``tags`` already read (both tag lists share them).
        A form that is only rendered needs no querysets: ``learners``, ``epas``, ``case_types`` and
        ``tags`` may then be None, with the choices given as rows (model fields declare
        ``queryset=None``: no queryset cloned per field when the form copies its fields)."""
        super().__init__(*args, **kwargs)
        self.fields["learner"].label_from_instance = lambda l: f"{l.user} ({l.program})"
        if learners is not None or learner_choices is None:
            _load_choices(self.fields["learner"], learners)
        if learner_choices is not None:
            self.fields["learner"].choices = _ReadOnce(lambda: [("", self.fields["learner"].empty_label),
                                                                *learner_choices()])
        _load_choices(self.fields["epa"], epas, lambda: epa_list)
        self.fields["entrustment_level"].choices = [
            (level["number"], format_html("<strong>{} — {}</strong> <span class='descriptor'>{}</span>",
                                          level["number"], level["label"], level["descriptor"]))
            for level in levels]
        self.fields["case_type"].label_from_instance = lambda c: f"{c.name} (EPA {c.epa.number})"
        _load_choices(self.fields["case_type"], case_types,
                      functools.cache(case_type_rows) if case_type_rows is not None else None)
        if site_choices is None or self.is_bound:
            _load_choices(self.fields["site"], Site.objects.for_company(company_id).filter(is_active=True))
        if site_choices is not None:
            self.fields["site"].choices = _ReadOnce(lambda: [("", self.fields["site"].empty_label),
                                                             *site_choices()])
        tag_list = functools.cache(tag_rows or (lambda: list(tags)))
        for name, tag_type in (("tags_went_well", "went_well"), ("tags_needs_work", "needs_work")):
            category = TAG_CATEGORY[tag_type]  # each list offers only its own group's tags
            self.fields[name].label_from_instance = lambda tag: tag.name
            _load_choices(self.fields[name], tags.filter(category=category) if tags is not None else None,
                          functools.partial(lambda category: [t for t in tag_list() if t.category == category],
                                            category))
        self.initial.setdefault("submission_key", uuid.uuid4())
        self.initial.setdefault("assessment_date", timezone.localdate())

    def clean_tags_went_well(self):
        return _tag_list(self.cleaned_data["tags_went_well"])

    def clean_tags_needs_work(self):
        return _tag_list(self.cleaned_data["tags_needs_work"])

    def case_context(self) -> dict:
        data = self.cleaned_data
        names = ("case_type", "site", "case_urgency", "patient_asa_class", "procedure_minutes",
                 "complications_occurred", "location_type", "location_details", "narrative_feedback")
        return {name: data.get(name) for name in names}


class AssessmentEditForm(AssessmentForm):
    """Same screen, learner and EPA fixed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("learner", "epa", "submission_key"):
            self.fields[name].required = False
            self.fields[name].disabled = True


class AssessmentRequestForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    epa = forms.ModelChoiceField(queryset=EPA.objects.none(), label="EPA", empty_label="Choose the EPA")
    case_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date of the case")
    assessor = forms.ModelChoiceField(queryset=None, label="Faculty member", empty_label="Choose who assessed you")
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What the case was, so they remember it")

    def __init__(self, *args, epas, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epa"].queryset = epas
        self.fields["assessor"].queryset = assessors
        self.initial.setdefault("submission_key", uuid.uuid4())
        self.initial.setdefault("case_date", timezone.localdate())


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded in the audit log")




class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="The learner reads this, so they can ask someone else")
