"""The exercise library, plan templates, patients' treatment plans and their progress feedback."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.core.idempotency import replay_or_create
from apps.physio.models import (
    Exercise,
    ExerciseFeedback,
    PlanExercise,
    PlanMilestone,
    PlanPhase,
    PlanTemplate,
    PlanTemplateItem,
    PlanTemplatePhase,
    TreatmentPlan,
)

DOSAGE = ("sets", "reps", "hold_seconds", "frequency")


def _dosage(data) -> dict:
    cleaned = {}
    for key in ("sets", "reps", "hold_seconds"):
        value = data.get(key)
        if value in (None, ""):
            cleaned[key] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({key: "A whole number."}) from None
        if not 0 < number <= 1000:
            raise ValidationError({key: "From 1 to 1000."})
        cleaned[key] = number
    cleaned["frequency"] = str(data.get("frequency") or "").strip()[:100]
    return cleaned


def exercise_save(*, actor, company, data: dict, exercise=None) -> Exercise:
    name = str(data.get("name") or "").strip()[:200]
    if not name:
        raise ValidationError({"name": "Name the exercise."})
    duplicate = Exercise.objects.for_company(company).filter(name__iexact=name)
    if exercise is not None:
        duplicate = duplicate.exclude(pk=exercise.pk)
    if duplicate.exists():
        raise ValidationError({"name": "The library already has an exercise with this name."})
    with transaction.atomic():
        row = exercise or Exercise(company=company)
        row.name, row.instructions = name, str(data.get("instructions") or "").strip()[:5000]
        row.media_url = str(data.get("media_url") or "").strip()[:200]
        for key, value in _dosage(data).items():
            setattr(row, key, value)
        row.full_clean(exclude=["company"])
        row._history_user = actor
        row.save()
        audit_log_record(company=company, actor=actor, action="exercise.create" if exercise is None else "exercise.update",
                         entity=row)
    return row


def plan_template_create(*, actor, company, name, phases: list[dict], description="") -> PlanTemplate:
    """``phases``: [{"name", "weeks", "items": [{"exercise": Exercise, sets, reps, hold_seconds, frequency}]}]."""
    with transaction.atomic():
        template = PlanTemplate(company=company, name=name, description=description)
        template._history_user = actor
        template.save()
        for order, phase in enumerate(phases, start=1):
            row = PlanTemplatePhase(template=template, order=order, name=phase["name"], weeks=phase.get("weeks", 2))
            row.save()
            for item in phase.get("items", []):
                PlanTemplateItem(phase=row, exercise=item["exercise"], **_dosage(item)).save()
        audit_log_record(company=company, actor=actor, action="plan_template.create", entity=template)
    return template


def plan_create(*, actor, patient, title, start_date=None, template=None, case=None,
                idempotency_key=None) -> TreatmentPlan:
    """A patient's plan, blank or copied from a template (phases and exercises with their dosage)."""
    title = str(title or "").strip()[:200] or (template.name if template else "")
    if not title:
        raise ValidationError({"title": "Give the plan a title."})
    if template is not None and template.company_id != patient.company_id:
        raise ValidationError({"template": "Unknown template."})
    if case is not None and (case.company_id != patient.company_id or case.patient_id != patient.pk):
        raise ValidationError({"case": "Unknown case."})

    def create():
        plan = TreatmentPlan(patient=patient, title=title, start_date=start_date or timezone.localdate(),
                             template=template, case=case, created_by=actor, idempotency_key=idempotency_key)
        plan._history_user = actor
        plan.save()
        if template is not None:
            phases = template.phases.prefetch_related("items__exercise")
            for phase in phases:
                copy = PlanPhase(plan=plan, order=phase.order, name=phase.name, weeks=phase.weeks)
                copy.save()
                for item in phase.items.all():
                    PlanExercise(phase=copy, exercise=item.exercise,
                                 **{key: getattr(item, key) for key in DOSAGE}).save()
        audit_log_record(company=patient.company_id, actor=actor, action="treatment_plan.create", entity=plan,
                         changes={"template": template.name if template else None})
        return plan

    with transaction.atomic():
        plan, _ = replay_or_create(TreatmentPlan.objects.for_company(patient.company_id), key_field="idempotency_key",
                                   key=idempotency_key, create=create)
    return plan


def plan_phase_add(*, actor, plan, name, weeks=2) -> PlanPhase:
    name = str(name or "").strip()[:200]
    if not name:
        raise ValidationError({"name": "Name the phase."})
    try:
        weeks = int(weeks)
    except (TypeError, ValueError):
        raise ValidationError({"weeks": "A whole number of weeks."}) from None
    if not 1 <= weeks <= 52:
        raise ValidationError({"weeks": "From 1 to 52 weeks."})
    with transaction.atomic():
        order = plan.phases.count() + 1
        phase = PlanPhase(plan=plan, order=order, name=name, weeks=weeks)
        phase.save()
        audit_log_record(company=plan.company_id, actor=actor, action="treatment_plan.add_phase", entity=plan,
                         changes={"phase": name})
    return phase


def plan_exercise_add(*, actor, phase, exercise, data=None) -> PlanExercise:
    if exercise.company_id != phase.company_id or not exercise.is_active:
        raise ValidationError({"exercise": "Unknown exercise."})
    data = data or {}
    dosage = _dosage({key: data.get(key, getattr(exercise, key)) for key in DOSAGE})
    with transaction.atomic():
        row = PlanExercise(phase=phase, exercise=exercise, notes=str(data.get("notes") or "")[:500], **dosage)
        row._history_user = actor
        row.save()
        audit_log_record(company=phase.company_id, actor=actor, action="treatment_plan.add_exercise",
                         entity=phase.plan, changes={"exercise": exercise.name})
    return row


def plan_milestone_add(*, actor, plan, title, target_date=None) -> PlanMilestone:
    title = str(title or "").strip()[:200]
    if not title:
        raise ValidationError({"title": "Name the milestone."})
    with transaction.atomic():
        milestone = PlanMilestone(plan=plan, title=title, target_date=target_date)
        milestone.save()
        audit_log_record(company=plan.company_id, actor=actor, action="treatment_plan.add_milestone", entity=plan,
                         changes={"milestone": title})
    return milestone


def plan_milestone_achieve(*, actor, milestone, day=None) -> PlanMilestone:
    with transaction.atomic():
        milestone.achieved_at = day or timezone.localdate()
        milestone.save(update_fields=["achieved_at", "updated_at"])
        audit_log_record(company=milestone.company_id, actor=actor, action="plan_milestone.achieve", entity=milestone)
    return milestone


def feedback_record(*, actor, plan_exercise, session_date=None, done=True, pain_during=None, difficulty=None,
                    comment="", idempotency_key=None) -> ExerciseFeedback:
    """The patient's report of one session: done, pain during (0–10), difficulty, comment."""
    session_date = session_date or timezone.localdate()
    if isinstance(session_date, str):
        try:
            session_date = datetime.date.fromisoformat(session_date)
        except ValueError:
            raise ValidationError({"session_date": "A date (YYYY-MM-DD)."}) from None
    if session_date > timezone.localdate():
        raise ValidationError({"session_date": "Not a day in the future."})
    if pain_during not in (None, ""):
        try:
            pain_during = int(pain_during)
        except (TypeError, ValueError):
            raise ValidationError({"pain_during": "A whole number from 0 to 10."}) from None
        if not 0 <= pain_during <= 10:
            raise ValidationError({"pain_during": "A whole number from 0 to 10."})
    else:
        pain_during = None
    if difficulty not in (None, ""):
        try:
            difficulty = int(difficulty)
        except (TypeError, ValueError):
            difficulty = -1
        if difficulty not in ExerciseFeedback.Difficulty.values:
            raise ValidationError({"difficulty": "Easy, about right or hard."})
    else:
        difficulty = None
    if plan_exercise.phase.plan.status != TreatmentPlan.Status.ACTIVE:
        raise ValidationError("This plan is finished.")

    def create():
        row = ExerciseFeedback(plan_exercise=plan_exercise, session_date=session_date, done=bool(done),
                               pain_during=pain_during, difficulty=difficulty, comment=str(comment or "")[:1000].strip(),
                               submitted_by=actor, idempotency_key=idempotency_key)
        row.save()
        audit_log_record(company=plan_exercise.company_id, actor=actor, action="exercise_feedback.record", entity=row,
                         changes={"done": row.done, "pain_during": pain_during})
        return row

    with transaction.atomic():
        row, _ = replay_or_create(ExerciseFeedback.objects.for_company(plan_exercise.company_id),
                                  key_field="idempotency_key", key=idempotency_key, create=create)
    return row
