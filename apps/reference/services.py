"""Writes to the reference library: publishing new EPA/milestone set versions (platform
superusers) and a company's private feedback tags and case types (its program managers).

Shared rows are never edited from tenant code: a company adds its own rows beside them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.audit.actions import action_name
from apps.audit.services import audit_log_record, model_changes, snapshot
from apps.reference import selectors, validators
from apps.reference.access import can_manage_private_reference
from apps.reference.models import EPA, CaseType, EntrustmentLevel, EPASet, FeedbackTag, Milestone, MilestoneSet


# ---------------------------------------------------------------- versioned sets (superusers)
def epa_set_publish(*, actor, specialty, version, name, effective_date, scale, epas=(), source="") -> EPASet:
    """Add a new EPA set version and retire the specialty's current one from ``effective_date``.
    The retired set and its EPAs are not otherwise changed: assessments made against them still
    resolve. ``epas`` is a list of dicts of EPA fields (number, name, short_name, …)."""
    _require_superuser(actor)
    with transaction.atomic():
        previous = list(EPASet.objects.select_for_update().filter(specialty=specialty, retired_on__isnull=True))
        epa_set = _save_new(EPASet(specialty=specialty, version=version, name=name, effective_date=effective_date,
                                   scale=scale, source=source), actor)
        for values in epas:
            _save_new(EPA(epa_set=epa_set, **values), actor)
        _retire(previous, on=effective_date, actor=actor, successor=epa_set)
        audit_log_record(company=None, actor=actor, action="epa_set.publish", entity=epa_set,
                         changes={"retired": [str(old) for old in previous], "epas": len(epas)})
    return epa_set


def milestone_set_publish(*, actor, specialty, version, name, effective_date=None, milestones=(),
                          source="") -> MilestoneSet:
    """Same as ``epa_set_publish`` for milestone sets. A set without an effective date retires
    nothing (there is no date to retire the old one on)."""
    _require_superuser(actor)
    with transaction.atomic():
        previous = list(MilestoneSet.objects.select_for_update().filter(specialty=specialty, retired_on__isnull=True))
        milestone_set = _save_new(MilestoneSet(specialty=specialty, version=version, name=name,
                                               effective_date=effective_date, source=source), actor)
        for values in milestones:
            _save_new(Milestone(milestone_set=milestone_set, **values), actor)
        if effective_date is not None:
            _retire(previous, on=effective_date, actor=actor, successor=milestone_set)
        audit_log_record(company=None, actor=actor, action="milestone_set.publish", entity=milestone_set,
                         changes={"retired": [str(old) for old in previous], "milestones": len(milestones)})
    return milestone_set


def _require_superuser(actor):
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only platform superusers curate shared reference data")


def _save_new(instance, actor):
    instance.full_clean()
    instance._history_user = actor
    instance._change_reason = "published"
    instance.save()
    return instance


def _retire(sets, *, on, actor, successor):
    for old in sets:
        old.retired_on = on
        old._history_user = actor
        old._change_reason = f"retired by {successor}"
        old.save(update_fields=["retired_on"])


# ---------------------------------------------------------------- single shared rows (superusers, API)
LOCKED_WHEN_USED = ("epa_set_id", "number", "name")


def reference_row_save(*, actor, instance):
    """Create or update one shared reference row: the model's own rules (full_clean), the acting
    superuser on the history row and an audit row, in one transaction."""
    _require_superuser(actor)
    with transaction.atomic():
        stored = None
        if not instance._state.adding:
            stored = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
        instance.full_clean()
        instance._history_user = actor
        instance.save()
        verb = "update" if stored is not None else "create"
        changes = model_changes(instance, snapshot(stored)) if stored is not None else snapshot(instance)
        audit_log_record(company=None, actor=actor, action=action_name(instance, verb),
                         entity=instance, changes=changes)
    return instance


def epa_save(*, actor, epa) -> EPA:
    """An EPA that assessments or requests point at keeps its set, number and name."""
    if not epa._state.adding and selectors.epa_is_used(epa):
        stored = EPA.objects.get(pk=epa.pk)
        locked = {f.removesuffix("_id"): f"{stored} has assessments: this field cannot change."
                  for f in LOCKED_WHEN_USED if getattr(stored, f) != getattr(epa, f)}
        if locked:
            raise ValidationError(locked)
    return reference_row_save(actor=actor, instance=epa)


def epa_delete(*, actor, epa) -> None:
    _require_superuser(actor)
    if selectors.epa_is_used(epa):
        raise ValidationError({"non_field_errors": [f"{epa} has assessments and cannot be deleted."]})
    with transaction.atomic():
        audit_log_record(company=None, actor=actor, action="epa.delete", entity=epa, changes=snapshot(epa))
        epa._history_user = actor
        epa.delete()


def entrustment_scale_save(*, actor, scale, levels=None):
    """Save a scale and (when given) its levels, matched on number. Levels run 1…n; a stored
    level is never dropped, because assessments store the level number."""
    with transaction.atomic():
        reference_row_save(actor=actor, instance=scale)
        if levels is None:
            return scale
        stored = {level.number: level for level in scale.levels.all()}
        numbers = [values["number"] for values in levels]
        _validate_levels(numbers, stored)
        for values in levels:
            level = stored.get(values["number"]) or EntrustmentLevel(scale=scale, number=values["number"])
            if level.pk and all(getattr(level, k) == v for k, v in values.items()):
                continue  # unchanged: no history row
            for key, value in values.items():
                setattr(level, key, value)
            reference_row_save(actor=actor, instance=level)
    return scale


def _validate_levels(numbers, stored):
    try:
        validators.validate_level_numbers(numbers)
    except ValidationError as error:
        raise ValidationError({"levels": error.messages}) from error
    dropped = sorted(set(stored) - set(numbers))
    if dropped:
        raise ValidationError({"levels": f"Levels {', '.join(map(str, dropped))} are missing: stored levels "
                                         "can be relabelled but not removed."})


def specialty_save(*, actor, specialty, prerequisites=None):
    """Save a specialty; its parent and prerequisites may not loop back to it."""
    parents, graph = selectors.specialty_graph()
    parents.pop(specialty.code, None)
    graph.pop(specialty.code, None)
    wanted = None if prerequisites is None else list(prerequisites)
    stored_prereqs = set() if specialty._state.adding else set(
        specialty.prerequisites.values_list("code", flat=True))
    validators.validate_specialty_links(
        code=specialty.code, parent_code=specialty.parent_id,
        prerequisite_codes={s.code for s in wanted} if wanted is not None else stored_prereqs,
        parents=parents, prerequisites=graph)
    with transaction.atomic():
        reference_row_save(actor=actor, instance=specialty)
        if wanted is not None:
            specialty.prerequisites.set(wanted)
    return specialty


# ---------------------------------------------------------------- private rows (tenant managers)
def feedback_tag_create_private(*, actor, company, category, name, description="") -> FeedbackTag:
    """A tag only ``company`` sees. Submitting the same tag twice returns the first one."""
    _require_manager(actor, company)
    name = name.strip()
    with transaction.atomic():
        existing = FeedbackTag.objects.for_company(company).filter(category=category, name__iexact=name).first()
        if existing is not None:
            return _reactivate(existing, actor=actor, company=company)
        if FeedbackTag.objects.shared().filter(category=category, name__iexact=name).exists():
            raise ValidationError({"name": "A shared feedback tag already has this name."})
        tag = FeedbackTag(company=company, category=category, name=name, description=description)
        return _save_private(tag, actor=actor, company=company, action="feedback_tag.create_private")


def case_type_create_private(*, actor, company, epa, code, name, typical_minutes=None) -> CaseType:
    _require_manager(actor, company)
    code = code.strip().upper()
    with transaction.atomic():
        existing = CaseType.objects.for_company(company).filter(epa=epa, code=code).first()
        if existing is not None:
            return _reactivate(existing, actor=actor, company=company)
        if CaseType.objects.shared().filter(epa=epa, code=code).exists():
            raise ValidationError({"code": f"A shared case type for {epa} already uses code {code}."})
        case_type = CaseType(company=company, epa=epa, code=code, name=name.strip(), typical_minutes=typical_minutes)
        return _save_private(case_type, actor=actor, company=company, action="case_type.create_private")


def private_row_deactivate(*, actor, company, row):
    """Hide a private tag or case type from new assessments (past assessments keep it)."""
    _require_manager(actor, company)
    if row.company_id != getattr(company, "pk", company):
        raise PermissionDenied("Shared reference rows are curated by platform superusers")
    if not row.is_active:
        return row
    row.is_active = False
    with transaction.atomic():
        return _save_private(row, actor=actor, company=company,
                             action=action_name(row, "deactivate_private"))


def _require_manager(actor, company):
    if actor.company_id != getattr(company, "pk", company) or not can_manage_private_reference(actor):
        raise PermissionDenied("Only the company's coordinators, program directors and administrators")


def _reactivate(row, *, actor, company):
    if row.is_active:
        return row
    row.is_active = True
    return _save_private(row, actor=actor, company=company, action=action_name(row, "reactivate_private"))


def _save_private(row, *, actor, company, action):
    row.full_clean()
    row._history_user = actor
    row.save()
    audit_log_record(company=company, actor=actor, action=action, entity=row,
                     changes={"name": row.name, "is_active": row.is_active})
    return row
