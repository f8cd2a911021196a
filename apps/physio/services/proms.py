"""PROM templates (versioned), sending, autosave, submit + scoring, urgent flags, schedules."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.core.idempotency import replay_or_create
from apps.core.tasks import dispatch
from apps.physio.models import (
    BookingRequest,
    Channel,
    PromFlag,
    PromInstance,
    PromResponse,
    PromSchedule,
    PromTemplate,
    PromTemplateVersion,
)
from apps.physio.scoring import registry

LINK_DAYS = 14


def _items_from_instrument(instrument) -> list[dict]:
    return [{"key": item.key, "label": item.label, "free_label": item.free_label,
             "options": [{"value": option.value, "label": option.label} for option in item.options]}
            for item in instrument.items]


# ------------------------------------------------------------------ templates
def prom_template_create(*, actor, company, instrument: str, name: str = "", booking_threshold=None,
                         booking_direction=PromTemplate.Direction.AT_OR_ABOVE) -> PromTemplate:
    try:
        definition = registry.get(instrument)
    except registry.UnknownInstrument:
        raise ValidationError({"instrument": "Unknown instrument."}) from None
    with transaction.atomic():
        template = PromTemplate(company=company, instrument=instrument, name=name or definition.name,
                                booking_threshold=booking_threshold, booking_direction=booking_direction)
        template._history_user = actor
        template.save()
        _version_add(actor=actor, template=template, items=_items_from_instrument(definition))
        audit_log_record(company=company, actor=actor, action="prom_template.create", entity=template,
                         changes={"instrument": instrument})
    return template


def _version_add(*, actor, template, items) -> PromTemplateVersion:
    template.current_version += 1
    template._history_user = actor
    template.save(update_fields=["current_version", "updated_at"])
    version = PromTemplateVersion(template=template, version=template.current_version, instrument=template.instrument,
                                  items=items, created_by=actor)
    version.save()
    return version


def prom_template_revise(*, actor, template, labels: dict[str, str]) -> PromTemplateVersion:
    """A new version with new item labels (a clinic holding a licence puts in the licensed text).
    Keys, options and values stay the instrument's: the scoring rule cannot be edited."""
    with transaction.atomic():
        locked = PromTemplate.objects.for_company(template.company_id).select_for_update(of=("self",)).get(pk=template.pk)
        current = current_version(locked)
        unknown = set(labels) - {item["key"] for item in current.items}
        if unknown:
            raise ValidationError({"labels": f"Unknown items: {', '.join(sorted(unknown))}"})
        items = [{**item, "label": (labels.get(item["key"]) or item["label"]).strip()[:1000]} for item in current.items]
        if items == current.items:
            raise ValidationError({"labels": "Nothing changed."})
        version = _version_add(actor=actor, template=locked, items=items)
        audit_log_record(company=locked.company_id, actor=actor, action="prom_template.revise", entity=locked,
                         changes={"version": [current.version, version.version]})
    template.current_version = locked.current_version
    return version


def current_version(template) -> PromTemplateVersion:
    return PromTemplateVersion.objects.for_company(template.company_id).get(template=template,
                                                                            version=template.current_version)


def prom_templates_ensure(*, actor, company) -> list[PromTemplate]:
    """Every instrument of the engine as a template of the company (the ones missing are created)."""
    existing = set(PromTemplate.objects.for_company(company).values_list("instrument", flat=True))
    return [prom_template_create(actor=actor, company=company, instrument=code)
            for code, _ in registry.choices() if code not in existing]


# ------------------------------------------------------------------ sending
def prom_send(*, actor, patient, template, channel=Channel.EMAIL, case=None, plan=None, schedule=None,
              days=LINK_DAYS, idempotency_key=None) -> PromInstance:
    """A new instance of the template's current version for the patient, and its link sent (on
    commit, by the task ``send_prom_link``) by e-mail or text message."""
    if template.company_id != patient.company_id or not template.is_active:
        raise ValidationError({"template": "Unknown template."})
    for parent, field in ((case, "case"), (plan, "plan")):
        if parent is not None and (parent.company_id != patient.company_id or parent.patient_id != patient.pk):
            raise ValidationError({field: f"Unknown {field}."})
    if channel == Channel.EMAIL and not patient.email:
        raise ValidationError({"channel": "This patient has no e-mail address."})
    if channel == Channel.SMS and not patient.phone:
        raise ValidationError({"channel": "This patient has no phone number."})
    from apps.physio import tasks

    def create():
        instance = PromInstance(patient=patient, template_version=current_version(template), case=case, plan=plan,
                                schedule=schedule, sent_by=actor, channel=channel, idempotency_key=idempotency_key,
                                expires_at=timezone.now() + datetime.timedelta(days=days))
        instance._history_user = actor
        instance.save()
        audit_log_record(company=patient.company_id, actor=actor, action="prom_instance.send", entity=instance,
                         changes={"template": template.name, "version": instance.template_version.version,
                                  "channel": channel})
        if channel != Channel.NONE:
            dispatch(tasks.send_prom_link, company_id=str(patient.company_id), instance_id=str(instance.pk))
        return instance

    with transaction.atomic():
        instance, _ = replay_or_create(PromInstance.objects.for_company(patient.company_id),
                                       key_field="idempotency_key", key=idempotency_key, create=create)
    return instance


def prom_instance_cancel(*, actor, instance) -> PromInstance:
    with transaction.atomic():
        locked = _locked(instance)
        if locked.status != PromInstance.Status.SENT:
            raise ValidationError("Only an unanswered questionnaire can be cancelled.")
        locked.status = PromInstance.Status.CANCELLED
        locked._history_user = actor
        locked.save(update_fields=["status", "updated_at"])
        audit_log_record(company=locked.company_id, actor=actor, action="prom_instance.cancel", entity=locked)
    return locked


# ------------------------------------------------------------------ the patient's side (signed link)
class LinkUsed(ValidationError):
    pass


def _locked(instance) -> PromInstance:
    return (PromInstance.objects.for_company(instance.company_id).select_for_update(of=("self",))
            .select_related("template_version__template", "patient").get(pk=instance.pk))


def link_check(instance) -> None:
    """Raise a ValidationError whose message the link page shows."""
    if instance.link_used_at is not None or instance.status == PromInstance.Status.COMPLETED:
        raise LinkUsed("This questionnaire was already answered: the link has been used.")
    if instance.status == PromInstance.Status.CANCELLED:
        raise ValidationError("This questionnaire was cancelled by the clinic.")
    if instance.is_expired:
        raise ValidationError(f"This link expired on {timezone.localtime(instance.expires_at):%B %-d, %Y}.")


def _clean_one(version, key, value):
    item = next((item for item in version.items if item["key"] == key), None)
    if item is None:
        raise ValidationError({"item": "Unknown item."})
    if value in (None, ""):
        return None
    allowed = {str(option["value"]): option["value"] for option in item["options"]}
    if str(value) not in allowed:
        raise ValidationError({key: "Choose one of the options."})
    return allowed[str(value)]


def prom_link_open(*, instance) -> None:
    if instance.opened_at is None:
        with transaction.atomic():
            locked = _locked(instance)
            if locked.opened_at is None:
                locked.opened_at = timezone.now()
                locked.save(update_fields=["opened_at", "updated_at"])
                audit_log_record(company=locked.company_id, actor=None, action="prom_instance.open", entity=locked)


def prom_autosave(*, instance, key: str, value, label: str | None = None) -> dict:
    """Save one answer as the patient gives it (htmx, per item). Nothing is scored yet."""
    with transaction.atomic():
        locked = _locked(instance)
        link_check(locked)
        cleaned = _clean_one(locked.template_version, key, value)
        draft = dict(locked.draft_answers)
        if cleaned is None:
            draft.pop(key, None)
        else:
            draft[key] = cleaned
        if label is not None:
            labels = dict(draft.get("_labels", {}))
            labels[key] = label.strip()[:200]
            draft["_labels"] = labels
        locked.draft_answers = draft
        locked.save(update_fields=["draft_answers", "updated_at"])
    instance.draft_answers = draft
    return draft


def prom_submit(*, instance, answers: dict, labels: dict | None = None, actor=None) -> PromResponse:
    """Score the answers with the instance's template version and save the response (once).
    PHQ-9 item 9 above 0 raises a flag (the clinician is told at once, by task); a score past the
    template's threshold opens a booking request for reception."""
    from apps.physio import tasks

    with transaction.atomic():
        locked = _locked(instance)
        link_check(locked)
        version = locked.template_version
        cleaned = {}
        for key, value in (answers or {}).items():
            one = _clean_one(version, key, value)
            if one is not None:
                cleaned[key] = one
        try:
            result = registry.score(version.instrument, cleaned)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        now = timezone.now()
        response = PromResponse(instance=locked, instrument=version.instrument, answers=cleaned,
                                score=result.score, band=result.band, subscales=result.as_dict()["subscales"],
                                score_reason=result.reason, submitted_at=now, practitioner=locked.sent_by)
        if labels:
            response.answers = {**cleaned, "_labels": {k: str(v)[:200] for k, v in labels.items() if k in cleaned}}
        response.save()
        locked.status, locked.link_used_at = PromInstance.Status.COMPLETED, now
        locked._history_user = actor
        locked.save(update_fields=["status", "link_used_at", "updated_at"])
        audit_log_record(company=locked.company_id, actor=actor, action="prom_response.submit", entity=response,
                         changes={"score": result.as_dict()["score"], "band": result.band,
                                  "version": version.version, "flags": result.flags})
        for kind in result.flags:
            flag = PromFlag(response=response, kind=kind, clinician=locked.sent_by or locked.patient.primary_practitioner)
            flag.save()
            audit_log_record(company=locked.company_id, actor=actor, action="prom_flag.raise", entity=flag,
                             changes={"kind": kind})
            dispatch(tasks.notify_prom_flag, company_id=str(locked.company_id), flag_id=str(flag.pk))
        template = version.template
        if template.threshold_crossed(result.score):
            booking = BookingRequest(patient=locked.patient, source_response=response,
                                     reason=f"{template.name} score {result.score} "
                                            f"{'≥' if template.booking_direction == 'above' else '≤'} "
                                            f"{template.booking_threshold}")
            booking.save()
            audit_log_record(company=locked.company_id, actor=actor, action="booking_request.create", entity=booking)
    return response


def prom_flag_acknowledge(*, actor, flag, note: str = "") -> PromFlag:
    with transaction.atomic():
        locked = PromFlag.objects.for_company(flag.company_id).select_for_update(of=("self",)).get(pk=flag.pk)
        if locked.acknowledged_at is not None:
            raise ValidationError("This flag was already acknowledged.")
        locked.acknowledged_at, locked.acknowledged_by = timezone.now(), actor
        locked.acknowledgement_note = note.strip()[:500]
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="prom_flag.acknowledge", entity=locked,
                         changes={"note": locked.acknowledgement_note})
    return locked


# ------------------------------------------------------------------ schedules
def prom_schedule_create(*, actor, patient, template, mode, interval=0, channel=Channel.EMAIL,
                         plan=None) -> PromSchedule:
    """Send once, or at intake and then every N visits / N weeks of a plan. The first (intake)
    questionnaire goes out now."""
    if mode not in PromSchedule.Mode.values:
        raise ValidationError({"mode": "Choose how often."})
    if mode == PromSchedule.Mode.ONCE:
        interval = 0
    elif not interval or int(interval) < 1 or int(interval) > 52:
        raise ValidationError({"interval": "Every 1 to 52 visits or weeks."})
    if mode == PromSchedule.Mode.EVERY_N_WEEKS and plan is None:
        raise ValidationError({"plan": "Every N weeks counts the weeks of a treatment plan: choose one."})
    if template.company_id != patient.company_id:
        raise ValidationError({"template": "Unknown template."})
    if plan is not None and plan.patient_id != patient.pk:
        raise ValidationError({"plan": "Unknown plan."})
    with transaction.atomic():
        schedule = PromSchedule(patient=patient, template=template, mode=mode, interval=int(interval),
                                channel=channel, plan=plan, created_by=actor)
        schedule._history_user = actor
        schedule.save()
        audit_log_record(company=patient.company_id, actor=actor, action="prom_schedule.create", entity=schedule,
                         changes={"mode": mode, "interval": schedule.interval})
        _schedule_send(schedule=schedule, actor=actor)
    return schedule


def _visit_count(schedule) -> int:
    from apps.clinical.models import Visit

    return Visit.objects.for_company(schedule.company_id).filter(patient_id=schedule.patient_id).exclude(
        status=Visit.Status.CANCELLED).count()


def _schedule_send(*, schedule, actor):
    prom_send(actor=actor, patient=schedule.patient, template=schedule.template, channel=schedule.channel,
              plan=schedule.plan, schedule=schedule)
    schedule.last_sent_at = timezone.now()
    schedule.visits_at_last_send = _visit_count(schedule)
    schedule.sent_count += 1
    if schedule.mode == PromSchedule.Mode.ONCE:
        schedule.is_active = False
    schedule.save(update_fields=["last_sent_at", "visits_at_last_send", "sent_count", "is_active", "updated_at"])


def prom_schedule_due(schedule, now=None) -> bool:
    """Every N visits: N more (not cancelled) visits since the last send. Every N weeks of a plan:
    N weeks since the last send, while the plan is active."""
    now = now or timezone.now()
    if not schedule.is_active:
        return False
    if schedule.mode == PromSchedule.Mode.EVERY_N_VISITS:
        return _visit_count(schedule) - schedule.visits_at_last_send >= schedule.interval
    if schedule.mode == PromSchedule.Mode.EVERY_N_WEEKS:
        if schedule.plan is None or schedule.plan.status != "active":
            return False
        return now - schedule.last_sent_at >= datetime.timedelta(weeks=schedule.interval)
    return False


def prom_schedules_run(*, company_id, now=None) -> int:
    """Send what is due (the beat task runs it per company). Returns how many were sent."""
    sent = 0
    schedules = (PromSchedule.objects.for_company(company_id).filter(is_active=True)
                 .exclude(mode=PromSchedule.Mode.ONCE).select_related("patient", "template", "plan", "created_by"))
    for schedule in schedules:
        with transaction.atomic():
            locked = PromSchedule.objects.for_company(company_id).select_for_update(of=("self",)).select_related(
                "patient", "template", "plan", "created_by").get(pk=schedule.pk)
            if prom_schedule_due(locked, now):
                try:
                    _schedule_send(schedule=locked, actor=locked.created_by)
                except ValidationError:
                    continue
                sent += 1
    return sent


def prom_schedule_stop(*, actor, schedule) -> PromSchedule:
    with transaction.atomic():
        schedule.is_active = False
        schedule._history_user = actor
        schedule.save(update_fields=["is_active", "updated_at"])
        audit_log_record(company=schedule.company_id, actor=actor, action="prom_schedule.stop", entity=schedule)
    return schedule
