"""Evaluations signed like SOAP notes (apps.clinical.services.notes): the SHA-256 digest of the
canonical JSON of what was signed is stored; every display recomputes it; a signed evaluation
never changes (the model and every function here refuse). Pain assessments with body-map rows."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_log_record
from apps.clinical.models import canonical_digest
from apps.core.idempotency import replay_or_create
from apps.physio import bodymap
from apps.physio.models import (
    EVALUATION_SECTIONS,
    BodyMapRegion,
    Evaluation,
    PainAssessment,
    PainType,
    SignedEvaluationError,
)

SECTION_KEYS = [key for key, _ in EVALUATION_SECTIONS]
MAX_TEXT = 10_000


def clean_content(content) -> dict:
    if not isinstance(content, dict):
        raise ValidationError({"content": "An evaluation is {" + ", ".join(SECTION_KEYS) + "}."})
    unknown = set(content) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError({"content": f"Unknown sections: {', '.join(sorted(unknown))}"})
    if not all(isinstance(value, str) and len(value) <= MAX_TEXT for value in content.values()):
        raise ValidationError({"content": f"Each section is text (at most {MAX_TEXT} characters)."})
    return {key: content.get(key, "").strip() for key in SECTION_KEYS}


def clean_red_flags(red_flags, questions) -> dict:
    if not isinstance(red_flags, dict):
        raise ValidationError({"red_flags": "Answer each red-flag question yes or no."})
    cleaned = {}
    for question in questions:
        answer = red_flags.get(question, "")
        if answer not in ("", "yes", "no"):
            raise ValidationError({"red_flags": "Answer each red-flag question yes or no."})
        if answer:
            cleaned[question] = answer
    return cleaned


def _locked(evaluation) -> Evaluation:
    return (Evaluation.objects.for_company(evaluation.company_id).select_for_update(of=("self",))
            .select_related("visit", "template").get(pk=evaluation.pk))


def evaluation_start(*, actor, visit, template=None, content=None, red_flags=None, idempotency_key=None) -> Evaluation:
    """A draft evaluation of the visit (a double submit with the same key returns the first)."""
    if visit.is_locked:
        raise ValidationError("This visit is locked.")
    if template is not None and template.company_id != visit.company_id:
        raise ValidationError({"template": "Unknown template."})
    cleaned = clean_content(content or {})
    flags = clean_red_flags(red_flags or {}, template.red_flag_questions if template else [])

    def create():
        evaluation = Evaluation(visit=visit, template=template, author=actor, content=cleaned, red_flags=flags,
                                idempotency_key=idempotency_key)
        evaluation._history_user = actor
        evaluation.save()
        audit_log_record(company=visit.company_id, actor=actor, action="evaluation.start", entity=evaluation)
        return evaluation

    with transaction.atomic():
        evaluation, _ = replay_or_create(Evaluation.objects.for_company(visit.company_id), key_field="idempotency_key",
                                         key=idempotency_key, create=create)
    return evaluation


def evaluation_save(*, actor, evaluation, content, red_flags=None) -> Evaluation:
    with transaction.atomic():
        locked = _locked(evaluation)
        if locked.is_signed:
            raise SignedEvaluationError("This evaluation is signed and can no longer change.")
        if locked.author_id != actor.pk:
            raise ValidationError("Only the author edits a draft.")
        before = locked.content
        locked.content = clean_content(content)
        questions = locked.template.red_flag_questions if locked.template else []
        locked.red_flags = clean_red_flags(red_flags or {}, questions)
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="evaluation.save", entity=locked,
                         changes={"sections": sorted(k for k in SECTION_KEYS if before.get(k) != locked.content[k])})
    return locked


def evaluation_sign(*, actor, evaluation) -> Evaluation:
    with transaction.atomic():
        locked = _locked(evaluation)
        if locked.is_signed:
            raise SignedEvaluationError("This evaluation is already signed.")
        if locked.author_id != actor.pk:
            raise ValidationError("Only the author signs an evaluation.")
        if not any(locked.content.values()):
            raise ValidationError("Write the evaluation before signing it.")
        locked.status, locked.signed_by, locked.signed_at = Evaluation.Status.SIGNED, actor, timezone.now()
        locked.signed_digest = canonical_digest(locked.signature_payload())
        locked._history_user = actor
        locked.save()
        audit_log_record(company=locked.company_id, actor=actor, action="evaluation.sign", entity=locked,
                         changes={"digest": locked.signed_digest})
    return locked


def evaluation_digest_matches(evaluation) -> bool:
    """Recompute the digest from the stored row; False means the signed content was altered."""
    if not evaluation.is_signed:
        return True
    return canonical_digest(evaluation.signature_payload()) == evaluation.signed_digest


# ------------------------------------------------------------------ pain
def _nprs(value, field, required=False):
    if value in (None, ""):
        if required:
            raise ValidationError({field: "Rate the pain from 0 to 10."})
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: "A whole number from 0 to 10."}) from None
    if not 0 <= number <= 10:
        raise ValidationError({field: "A whole number from 0 to 10."})
    return number


def clean_regions(regions) -> list[dict]:
    if not isinstance(regions, list) or len(regions) > len(bodymap.REGION_CODES) * 2:
        raise ValidationError({"regions": "A list of marked regions."})
    cleaned, seen = [], set()
    for row in regions:
        if not isinstance(row, dict):
            raise ValidationError({"regions": "Each region is {region, side, intensity, pain_type}."})
        region, side = row.get("region"), row.get("side")
        if region not in bodymap.REGION_CODES:
            raise ValidationError({"regions": f"Unknown region {str(region)[:40]!r}."})
        if side not in bodymap.sides_of(region):
            raise ValidationError({"regions": f"{bodymap.label(region)}: side is one of {', '.join(bodymap.sides_of(region))}."})
        if (region, side) in seen:
            raise ValidationError({"regions": f"{bodymap.label(region)} ({side}) is marked twice."})
        seen.add((region, side))
        pain_type = row.get("pain_type") or PainType.ACHING
        if pain_type not in PainType.values:
            raise ValidationError({"regions": "Unknown pain type."})
        cleaned.append({"region": region, "side": side, "pain_type": pain_type,
                        "intensity": _nprs(row.get("intensity"), "regions", required=True)})
    return cleaned


def pain_assessment_record(*, actor, visit, nprs_now, nprs_best=None, nprs_worst=None, pain_types=(),
                           aggravating="", easing="", regions=(), idempotency_key=None) -> PainAssessment:
    now_value = _nprs(nprs_now, "nprs_now", required=True)
    best, worst = _nprs(nprs_best, "nprs_best"), _nprs(nprs_worst, "nprs_worst")
    if best is not None and worst is not None and best > worst:
        raise ValidationError({"nprs_best": "Best cannot be worse than worst."})
    if not isinstance(pain_types, (list, tuple)) or any(t not in PainType.values for t in pain_types):
        raise ValidationError({"pain_types": "Unknown pain type."})
    rows = clean_regions(list(regions))

    def create():
        assessment = PainAssessment(visit=visit, recorded_by=actor, nprs_now=now_value, nprs_best=best,
                                    nprs_worst=worst, pain_types=sorted(set(pain_types)),
                                    aggravating=str(aggravating)[:500].strip(), easing=str(easing)[:500].strip(),
                                    idempotency_key=idempotency_key)
        assessment._history_user = actor
        assessment.save()
        BodyMapRegion.objects.bulk_create([BodyMapRegion(assessment=assessment, company_id=assessment.company_id, **row)
                                           for row in rows])
        audit_log_record(company=visit.company_id, actor=actor, action="pain_assessment.record", entity=assessment,
                         changes={"nprs_now": now_value, "regions": len(rows)})
        return assessment

    with transaction.atomic():
        assessment, _ = replay_or_create(PainAssessment.objects.for_company(visit.company_id),
                                         key_field="idempotency_key", key=idempotency_key, create=create)
    return assessment
