"""Writes for EPA assessments and assessment requests (HackSoft services: keyword-only, actor and
tenant explicit, atomic, audited; side effects dispatched as tasks, published on commit).

The form, the signed link and the API call the same service with the same rules — the rotation
assignment included: ``assessment_submit`` takes it from the schedule (the learner's rotation on
the case day) unless the caller gives one."""

import datetime
import secrets
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import sql
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from apps.academics.models import RotationAssignment
from apps.academics.selectors import assignment_on
from apps.assessments.access import assessor_may_assess, can_change_assessment, can_delete_assessment
from apps.assessments.models import (
    NARRATIVE_MAX_LENGTH,
    TAG_CATEGORY,
    AssessmentFeedbackTag,
    AssessmentLinkCode,
    AssessmentRequest,
    EPAAssessment,
)
from apps.assessments.tasks import (
    notify_assessor_of_request,
    notify_learner_of_assessment,
    notify_learner_of_request,
)
from apps.audit.actions import action_name
from apps.audit.models import AuditLog
from apps.audit.services import audit_log_build, audit_log_record, restore, save_with_audit, snapshot, soft_delete
from apps.core.idempotency import IdempotencyKeyError, idempotency_key, replay_or_create
from apps.core.prepared import prepared
from apps.core.scoping import prepare_tenant_rows
from apps.core.tasks import dispatch, dispatch_together
from apps.notifications.models import Channel
from apps.notifications.services import notification_send
from apps.reference.models import EntrustmentLevel, FeedbackTag

CASE_FIELDS = ("rotation_assignment", "site", "case_type", "case_urgency", "patient_asa_class",
               "procedure_minutes", "complications_occurred", "location_type", "location_details",
               "narrative_feedback")
EDITABLE_FIELDS = ("entrustment_level", "assessment_date") + CASE_FIELDS
LOCATION_DETAILS_MAX_LENGTH = EPAAssessment._meta.get_field("location_details").max_length
REASON_MAX_LENGTH = EPAAssessment._meta.get_field("delete_reason").max_length

# Sent inside the writing transaction whenever assessments are added, changed, deleted or restored
# (kwargs: company_id). Contexts above assessments subscribe (analytics refreshes its views)
# instead of assessments importing them.
assessments_changed = Signal()


def _changed(assessment) -> None:
    assessments_changed.send(sender=EPAAssessment, company_id=assessment.company_id)


# ------------------------------------------------------------------ validation


def _ids(items) -> list:
    return [getattr(item, "pk", item) for item in items if item not in (None, "")]


def _level_errors(epa, level) -> dict:
    """The level is on the EPA's scale. An EPA read with ``selectors.epas_with_scale_levels`` (the
    form's) carries its scale's levels: no query; any other EPA costs one (joined through its set)."""
    if level in (None, ""):
        return {"entrustment_level": "Choose an entrustment level."}
    levels = getattr(epa, "scale_levels", None)
    if levels is not None:
        try:
            on_scale = int(level) in {row["number"] for row in levels}
        except (TypeError, ValueError):
            on_scale = False
    else:
        on_scale = EntrustmentLevel.objects.filter(scale__epa_sets=epa.epa_set_id, number=level).exists()
    if not on_scale:
        return {"entrustment_level": "That level is not on this EPA's entrustment scale."}
    return {}


def _text_errors(case) -> dict:
    """Cost limits on free text, for every caller (the form and the API cap them too)."""
    errors = {}
    for name, limit in (("narrative_feedback", NARRATIVE_MAX_LENGTH), ("location_details", LOCATION_DETAILS_MAX_LENGTH)):
        length = len(case.get(name) or "")
        if length > limit:
            errors[name] = f"At most {limit:,} characters (this has {length:,})."
    return errors


def _case_errors(*, company_id, epa, learner, case) -> dict:
    errors = _text_errors(case)
    asa, minutes = case.get("patient_asa_class"), case.get("procedure_minutes")
    if asa is not None and not 1 <= int(asa) <= 6:
        errors["patient_asa_class"] = "ASA class is between 1 and 6."
    if minutes is not None and not 0 <= int(minutes) <= 1440:
        errors["procedure_minutes"] = "Minutes are between 0 and 1440 (one day)."
    case_type = case.get("case_type")
    # visible_to(company) is "shared or this company's": the loaded row says which, no query
    if case_type is not None and (case_type.epa_id != epa.pk or case_type.company_id not in (None, company_id)):
        errors["case_type"] = "That case type does not belong to this EPA."
    assignment = case.get("rotation_assignment")
    if assignment is not None and assignment.learner_id != learner.pk:
        errors["rotation_assignment"] = "That rotation is not this learner's."
    site = case.get("site")
    if site is not None and site.company_id != company_id:
        errors["site"] = "Unknown site."
    return errors


def _tag_errors(*, company_id, went_well, needs_work, loaded=()) -> dict:
    """Every tag is a visible, active library tag of its own group (TAG_CATEGORY): a strength
    went well, an area for improvement needs work. ``loaded``: tag rows the caller read (the
    form's), checked in memory; any other id costs one query for all."""
    went_well, needs_work = {str(pk) for pk in went_well}, {str(pk) for pk in needs_work}
    if went_well & needs_work:
        return {"tags_needs_work": "A tag cannot be both 'went well' and 'needs work'."}
    if not all(pk.isdigit() for pk in went_well | needs_work):
        return {"tags_went_well": "Unknown feedback tag."}
    known = {str(tag.pk): tag for tag in loaded}
    categories = {pk: (tag.name, tag.category) for pk, tag in known.items()
                  if pk in went_well | needs_work and tag.is_active and tag.company_id in (None, company_id)}
    unread = (went_well | needs_work) - set(known)
    if unread:
        categories.update({str(pk): (name, category) for pk, name, category in FeedbackTag.objects.visible_to(company_id)
                           .filter(pk__in=unread, is_active=True).values_list("pk", "name", "category")})
    errors = {}
    for field, tag_type, wanted in (("tags_went_well", "went_well", went_well),
                                    ("tags_needs_work", "needs_work", needs_work)):
        if any(pk not in categories for pk in wanted):
            errors[field] = "Unknown feedback tag."
            continue
        misplaced = sorted(name for pk, (name, category) in categories.items()
                           if pk in wanted and category != TAG_CATEGORY[tag_type])
        if misplaced:
            group = AssessmentFeedbackTag.TagType(tag_type).label.lower()
            errors[field] = f"Not a '{group}' tag: {', '.join(misplaced)}."
    return errors


def assessment_errors(*, assessor, learner, epa, entrustment_level, assessment_date, request=None,
                      went_well=(), needs_work=(), case=None, loaded_tags=()) -> dict:
    """Every rule an assessment must meet, as {field: message}; empty when valid."""
    if learner is None or learner.company_id != assessor.company_id:
        return {"learner": "Choose a learner from your program."}
    if learner.user_id == assessor.pk:
        return {"learner": "You cannot assess yourself: ask a faculty member to assess you."}
    if not assessor_may_assess(assessor=assessor, learner=learner, request=request):
        return {"learner": "You do not assess learners of this program."}
    if epa is None or learner.program.epa_set_id != epa.epa_set_id:
        return {"epa": "Choose an EPA of the learner's program."}
    errors = _level_errors(epa, entrustment_level)
    if assessment_date is None:
        errors["assessment_date"] = "Enter the date of the case."
    elif assessment_date > timezone.localdate():
        errors["assessment_date"] = "The case date cannot be in the future."
    errors.update(_case_errors(company_id=learner.company_id, epa=epa, learner=learner, case=case or {}))
    errors.update(_tag_errors(company_id=learner.company_id, went_well=went_well, needs_work=needs_work,
                              loaded=loaded_tags))
    return errors


# ------------------------------------------------------------------ submit
def _key(value) -> uuid.UUID:
    try:
        return idempotency_key(value)
    except IdempotencyKeyError:
        raise ValidationError({"submission_key": "Reload the form and submit again."})


def assessment_submit(*, assessor, learner, epa, entrustment_level, assessment_date, submission_key, entry_method,
                      tags_went_well=(), tags_needs_work=(), request=None, key_checked=False,
                      **case_context) -> EPAAssessment:
    """Record one assessment. Idempotent: the same submission_key returns the first record.

    Without a ``rotation_assignment`` in ``case_context``, it is the learner's rotation on the
    case day (the schedule), so an assessment lands in the coverage grid whoever entered it.

    The lean path (issue 19): rows the caller already read are checked in memory (the EPA's scale
    levels, a case type's and tags' company), tags given as rows are linked without re-reading
    them, and ``key_checked=True`` skips the look-up before the INSERT (the form's POST, which
    looks the key up only when it is not saved): the unique key still turns a duplicate into a
    replay, returned with ``replayed=True``.
    One transaction: the assessment, its history row, its audit row, its tags, the request it
    answers and the dispatched notification are written together; the notification is sent by
    the worker."""
    unknown = set(case_context) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    key = _key(submission_key)
    existing = EPAAssessment.all_objects.for_company(assessor.company_id)
    went_well, needs_work = _ids(tags_went_well), _ids(tags_needs_work)
    tag_rows = {tag.pk: tag for tag in (*tags_went_well, *tags_needs_work) if isinstance(tag, FeedbackTag)}

    def create() -> EPAAssessment:
        errors = assessment_errors(assessor=assessor, learner=learner, epa=epa, entrustment_level=entrustment_level,
                                   assessment_date=assessment_date, request=request, went_well=went_well,
                                   needs_work=needs_work, case=case_context, loaded_tags=tag_rows.values())
        if errors:
            raise ValidationError(errors)
        if "rotation_assignment" not in case_context:
            case_context["rotation_assignment"] = _rotation_on(learner=learner, day=assessment_date)
        assessment = EPAAssessment(
            learner=learner, assessor=assessor, epa=epa, entrustment_level=int(entrustment_level),
            assessment_date=assessment_date, submitted_at=timezone.now(), submission_key=key,
            entry_method=entry_method, request=request, **case_context)
        if type(learner).program.is_cached(learner):
            assessment.program = learner.program  # loaded with the learner: its company is checked in memory
        if request is not None:
            _request_complete(request=request, actor=assessor, via_link=entry_method == EPAAssessment.EntryMethod.LINK)
        else:
            assessment.request = _request_complete_matching(assessor=assessor, learner=learner, epa=epa)
        # Inside replay_or_create's savepoint already: no second one around the row and what goes with it
        _save_new_with_history_audit_and_tags(assessment=assessment, actor=assessor, went_well=went_well,
                                              needs_work=needs_work, tag_rows=tag_rows)
        with dispatch_together():  # the notification and the analytics refresh: one outbox INSERT
            dispatch(notify_learner_of_assessment, company_id=str(assessment.company_id),
                     assessment_id=str(assessment.pk))
            _changed(assessment)
        return assessment

    assessment, created = replay_or_create(existing, key_field="submission_key", key=key, create=create,
                                           look_first=not key_checked)
    if assessment.assessor_id != assessor.pk:  # a key is one assessor's: never answer with someone else's row
        raise ValidationError({"submission_key": "Reload the form and submit again."})
    assessment.replayed = not created  # the key's first assessment, returned again: nothing was saved now
    return assessment


def _save_new_with_history_audit_and_tags(*, assessment, actor, went_well, needs_work, tag_rows) -> None:
    """``save_with_audit`` of a new assessment, then ``_tags_link``, in one round trip (issue 19).
    The assessment is checked as ``save()`` and ``bulk_create`` check a tenant row
    (``prepare_tenant_rows``: its company from its learner, every parent of that company); its
    history row is built as simple-history's ``bulk_history_create`` builds one (no model signal
    is sent: simple-history's post_save is the only receiver for assessments, and this row is
    what it would write); its audit row is ``audit_log_build`` with the changes a new row's
    ``save_with_audit`` records. All of them, tag links included, go in one execute; the
    caller's transaction (replay_or_create's savepoint) holds them together, and a duplicate
    key raises IntegrityError from that execute as it would from ``save()``."""
    prepare_tenant_rows(EPAAssessment, [assessment])
    statements = [_insert_sql(assessment)]  # compiled first: created_at/updated_at set for the rows below
    history_model = type(assessment).history.model
    history = history_model(
        history_date=timezone.now(), history_user=actor, history_type="+",
        history_change_reason=getattr(assessment, "_change_reason", None),
        **{field.attname: getattr(assessment, field.attname) for field in history_model.tracked_fields})
    audit = audit_log_build(company=assessment.company_id, actor=actor, action="assessment.submit",
                            entity=assessment, changes=snapshot(assessment))
    links = _tag_links(assessment=assessment, went_well=went_well, needs_work=needs_work, rows=tag_rows)
    if links:
        prepare_tenant_rows(AssessmentFeedbackTag, links)  # what bulk_create checks
    rows = [assessment, history, audit, *links]
    statements += [_insert_sql(row) for row in rows[1:]]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(";\n".join(sql for sql, _ in statements), [value for _, values in statements for value in values])
    for row in rows:
        row._state.adding, row._state.db = False, DEFAULT_DB_ALIAS


def _insert_sql(row) -> tuple:
    """(sql, params) of the INSERT of one new row, compiled by the ORM as ``bulk_create`` writes it
    (defaults, ``auto_now``/``auto_now_add`` set on the row, value conversion; an auto-increment key
    left to the database and not read back). Several go in one execute: the connection binds
    values on the client, so a statement list is one query."""
    opts = type(row)._meta
    fields = [field for field in opts.concrete_fields
              if not field.generated and not (field is opts.auto_field and getattr(row, field.attname) is None)]
    query = sql.InsertQuery(type(row))
    query.insert_values(fields, [row])
    [(statement, values)] = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    return statement, list(values)


ROTATION_FIELDS = ("company_id", "id", "learner_id")  # in the model's field order, as from_db takes them
_rotation_rows = prepared(lambda company_id, learner_id, day: RotationAssignment.objects.for_company(company_id)
                          .filter(learner_id=learner_id, start_date__lte=day, end_date__gte=day)
                          .order_by("start_date").values(*ROTATION_FIELDS)[:1])


def _rotation_on(*, learner, day):
    """``academics.selectors.assignment_on`` for the assessment's key: the learner's rotation on
    the case day (the same rows and order: RotationAssignment's ``start_date``, first one), read
    by one prepared query as a row holding only its id, company and learner (issue 19)."""
    rows = _rotation_rows(company_id=learner.company_id, learner_id=learner.pk, day=day)
    return (RotationAssignment.from_db(DEFAULT_DB_ALIAS, ROTATION_FIELDS, tuple(rows[0][name] for name in ROTATION_FIELDS))
            if rows else None)


def _tag_links(*, assessment, went_well, needs_work, rows=None) -> list:
    """Unsaved tag links; a tag given as a loaded row is linked as that row (its company is then
    checked in memory, not read again)."""
    rows = rows or {}

    def link(tag_id, tag_type):
        tag = rows.get(tag_id)
        return (AssessmentFeedbackTag(assessment=assessment, tag=tag, tag_type=tag_type, company_id=assessment.company_id)
                if tag is not None else
                AssessmentFeedbackTag(assessment=assessment, tag_id=tag_id, tag_type=tag_type,
                                      company_id=assessment.company_id))
    return [link(tag_id, "went_well") for tag_id in went_well] + [link(tag_id, "needs_work") for tag_id in needs_work]


def _tags_replace(*, assessment, went_well, needs_work) -> None:
    assessment.tag_links.all().delete()
    AssessmentFeedbackTag.objects.bulk_create(_tag_links(assessment=assessment, went_well=went_well,
                                                         needs_work=needs_work))


def _request_complete(*, request, actor, via_link) -> None:
    """Lock the request row so two racing submissions cannot both answer it."""
    locked = AssessmentRequest.objects.for_company(request.company_id).select_for_update().get(pk=request.pk)
    if locked.status != AssessmentRequest.Status.OPEN or locked.link_used_at is not None:
        raise ValidationError({"request": "This request is no longer open."})
    now = timezone.now()
    locked.status, locked.completed_at = AssessmentRequest.Status.COMPLETED, now
    if via_link:
        locked.link_used_at = now
    save_with_audit(instance=locked, actor=actor, action="assessment_request.complete")
    request.status, request.completed_at, request.link_used_at = locked.status, now, locked.link_used_at


def _request_complete_matching(*, assessor, learner, epa):
    """An assessment given without naming a request answers the oldest open request of the same
    assessor, learner and EPA (one), so the learner's request does not stay open."""
    matching = (AssessmentRequest.objects.for_company(learner.company_id).select_for_update()
                .filter(assessor=assessor, learner=learner, epa=epa, status=AssessmentRequest.Status.OPEN)
                .order_by("created_at", "pk").first())
    if matching is not None:
        _request_complete(request=matching, actor=assessor, via_link=False)
    return matching


# ------------------------------------------------------------------ edit, delete, restore, acknowledge
def assessment_edit(*, actor, assessment, tags_went_well=None, tags_needs_work=None, **changes) -> EPAAssessment:
    """The assessor may correct an assessment within the program's edit window; then it is locked."""
    if assessment.assessor_id != actor.pk:
        raise PermissionDenied("Only the assessor may edit an assessment")
    if not can_change_assessment(actor, assessment):
        raise ValidationError({"__all__": "This assessment is locked: the edit window has closed."})
    values = {name: changes.get(name, getattr(assessment, name)) for name in EDITABLE_FIELDS}
    went_well = _ids(tags_went_well) if tags_went_well is not None else _tag_ids(assessment, "went_well")
    needs_work = _ids(tags_needs_work) if tags_needs_work is not None else _tag_ids(assessment, "needs_work")
    errors = assessment_errors(assessor=actor, learner=assessment.learner, epa=assessment.epa,
                               entrustment_level=values["entrustment_level"], request=assessment.request,
                               assessment_date=values["assessment_date"], went_well=went_well, needs_work=needs_work,
                               case={name: values[name] for name in CASE_FIELDS})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.edited, assessment.last_edited_at = True, timezone.now()
        save_with_audit(instance=assessment, actor=actor, action="assessment.edit")
        _tags_replace(assessment=assessment, went_well=went_well, needs_work=needs_work)
        _changed(assessment)
    return assessment


def _tag_ids(assessment, tag_type) -> list:
    return [link.tag_id for link in assessment.tag_links.all() if link.tag_type == tag_type]


def _require_manager(actor, assessment) -> None:
    if not can_delete_assessment(actor, assessment):
        raise PermissionDenied("Only the program's coordinator or director may do this")


def assessment_soft_delete(*, actor, assessment, reason: str) -> EPAAssessment:
    _require_manager(actor, assessment)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why this assessment is deleted."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"At most {REASON_MAX_LENGTH} characters."})
    with transaction.atomic():
        _changed(assessment)  # the deleted row leaves every metric
        return soft_delete(instance=assessment, actor=actor, reason=reason)


def assessment_restore(*, actor, assessment) -> EPAAssessment:
    _require_manager(actor, assessment)
    with transaction.atomic():
        _changed(assessment)
        return restore(instance=assessment, actor=actor)


def assessment_acknowledge(*, actor, assessment) -> EPAAssessment:
    if assessment.learner.user_id != actor.pk:
        raise PermissionDenied("Only the learner acknowledges their assessment")
    if assessment.acknowledged_at is None:
        assessment.acknowledged_at = timezone.now()
        save_with_audit(instance=assessment, actor=actor, action="assessment.acknowledge")
    return assessment


# ------------------------------------------------------------------ requests
def assessment_request_errors(*, learner_user, learner, assessor, epa, case_date) -> dict:
    if learner is None or learner.user_id != learner_user.pk:
        return {"learner": "You can only request assessments for yourself."}
    if assessor is None or not assessor_may_assess(assessor=assessor, learner=learner):
        return {"assessor": "Choose a faculty member of your program."}
    if assessor.pk == learner_user.pk:
        return {"assessor": "You cannot assess yourself: choose another faculty member."}
    if epa is None or epa.epa_set_id != learner.program.epa_set_id:
        return {"epa": "Choose an EPA of your program."}
    if case_date is None or case_date > timezone.localdate():
        return {"case_date": "The case date cannot be in the future."}
    open_count = AssessmentRequest.objects.for_company(learner.company_id).filter(
        assessor=assessor, learner__program=learner.program, status=AssessmentRequest.Status.OPEN).count()
    if open_count >= learner.program.max_open_requests_per_assessor:
        return {"assessor": f"{assessor} already has {open_count} open requests; ask someone else or wait."}
    return {}


def assessment_request_create(*, learner_user, learner, assessor, epa, case_date, case_type=None,
                              note="", submission_key=None) -> AssessmentRequest:
    """A learner asks ``assessor`` for an assessment; the assessor is notified (a task, on commit).
    Like a submission, the request's rotation is the learner's rotation on the case day.
    Idempotent with a ``submission_key`` (the form's): a double submit creates one request."""
    key = _key(submission_key) if submission_key is not None else None

    def create() -> AssessmentRequest:
        errors = assessment_request_errors(learner_user=learner_user, learner=learner, assessor=assessor, epa=epa,
                                           case_date=case_date)
        if case_type is not None and case_type.epa_id != getattr(epa, "pk", None):
            errors.setdefault("case_type", "That case type does not belong to this EPA.")
        if errors:
            raise ValidationError(errors)
        expires_at = timezone.now() + datetime.timedelta(days=learner.program.request_expiry_days)
        request = AssessmentRequest(
            learner=learner, assessor=assessor, epa=epa, case_date=case_date, case_type=case_type,
            rotation_assignment=assignment_on(learner=learner, day=case_date), note=note, expires_at=expires_at,
            submission_key=key)
        save_with_audit(instance=request, actor=learner_user, action="assessment_request.create")
        dispatch(notify_assessor_of_request, company_id=str(request.company_id), request_id=str(request.pk),
                 kind="assessment_requested", key="requested")
        return request

    existing = AssessmentRequest.objects.for_company(learner_user.company_id)
    request, _created = replay_or_create(existing, key_field="submission_key", key=key, create=create)
    return request


def request_link_opened(*, request, visitor) -> None:
    """Audit each use of a signed link (who opened it, from where: the audit context has the IP)."""
    audit_log_record(company=request.company_id, actor=visitor, action="assessment_request.open_link", entity=request,
                     changes={"assessor": str(request.assessor_id)})


def request_link_refused(*, request, visitor) -> None:
    """The learner opened (or posted) the form of their own request: refused, and audited."""
    audit_log_record(company=request.company_id, actor=visitor, action="assessment_request.refuse_link",
                     entity=request, status_code=403, severity=AuditLog.Severity.WARNING,
                     changes={"reason": "the learner's own session"})


# ------------------------------------------------------------------ proof on the learner's link
# Someone who opens the learner's request link (the QR code) signed out submits only with a code
# e-mailed to the assessor at that moment. Proofs: "session" (signed in as the assessor),
# "assessor_link" (the link only the assessor was sent), "email_code".
LINK_CODE_MINUTES = 10
LINK_CODES_PER_HOUR = 3
LINK_CODE_TRIES = 5
PROOFS = ("session", "assessor_link", "email_code")


def _code_hash(request, code: str) -> str:
    return salted_hmac("rounds.assessments.link-code", f"{request.pk}:{code}", algorithm="sha256").hexdigest()


def masked_email(email: str) -> str:
    """``faculty@northwind.example`` → ``f•••@northwind.example`` (where the code went)."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


def link_code_send(*, request) -> AssessmentLinkCode:
    """E-mail the request's assessor a fresh one-time code (notification kind
    ``assessment_link_code``, e-mail only). At most LINK_CODES_PER_HOUR per request an hour."""
    now = timezone.now()
    with transaction.atomic():
        locked = AssessmentRequest.objects.for_company(request.company_id).select_for_update().get(pk=request.pk)
        sent = AssessmentLinkCode.objects.for_company(request.company_id).filter(
            request=locked, created_at__gt=now - datetime.timedelta(hours=1)).count()
        if sent >= LINK_CODES_PER_HOUR:
            raise ValidationError({"code": f"{sent} codes were e-mailed in the last hour: use the latest one, "
                                           "or sign in to submit."})
        code = f"{secrets.randbelow(10**6):06d}"
        row = AssessmentLinkCode.objects.create(
            request=locked, code_hash=_code_hash(locked, code),
            expires_at=now + datetime.timedelta(minutes=LINK_CODE_MINUTES))
        notification_send(
            company_id=locked.company_id, user=request.assessor, kind="assessment_link_code",
            context={"request": request, "code": code, "minutes": LINK_CODE_MINUTES},
            channels=(Channel.EMAIL,), idempotency_key=f"request:{locked.pk}:code:{row.pk}")
        audit_log_record(company=locked.company_id, actor=None, action="assessment_request.send_link_code",
                         entity=locked, changes={"to": masked_email(request.assessor.email)})
    return row


def _link_code_check(*, request, code) -> int:
    """The id of the live code equal to ``code``; a wrong code counts a try (committed, although
    the submission then fails) and a code dies after LINK_CODE_TRIES wrong ones."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": f"Enter the 6-digit code e-mailed to {request.assessor} "
                                       "(or sign in as them to submit)."})
    with transaction.atomic():
        live = AssessmentLinkCode.objects.for_company(request.company_id).select_for_update().filter(
            request=request, used_at__isnull=True, expires_at__gt=timezone.now()).order_by("-created_at").first()
        if live is None:
            raise ValidationError({"code": "That code has expired or was used: e-mail a new one."})
        if live.failed_attempts >= LINK_CODE_TRIES:
            raise ValidationError({"code": "Too many wrong codes: e-mail a new one."})
        if constant_time_compare(live.code_hash, _code_hash(request, code)):
            return live.pk
        live.failed_attempts += 1
        live.save(update_fields=["failed_attempts"])
        audit_log_record(company=request.company_id, actor=None, action="assessment_request.fail_link_code",
                         entity=request, severity=AuditLog.Severity.WARNING,
                         changes={"failed_attempts": live.failed_attempts})
    raise ValidationError({"code": "That is not the code we e-mailed."})


def _link_code_use(*, request, code_id) -> None:
    used = AssessmentLinkCode.objects.for_company(request.company_id).select_for_update().filter(
        pk=code_id, used_at__isnull=True).first()
    if used is None:
        raise ValidationError({"code": "That code was just used: e-mail a new one."})
    used.used_at = timezone.now()
    used.save(update_fields=["used_at"])


def assessment_submit_through_link(*, request, proof, code="", **fields) -> EPAAssessment:
    """Answer ``request`` through a signed link, as its assessor, given proof that the person
    submitting is the assessor (``proof`` in PROOFS; the web view decides which one it holds:
    the assessor's session or assessor link, else the e-mailed ``code`` is checked here).
    The code is spent in the transaction that saves the assessment."""
    if proof not in PROOFS:
        raise PermissionDenied("Only the assessor may submit this form")
    code_id = _link_code_check(request=request, code=code) if proof == "email_code" else None
    with transaction.atomic():
        if code_id is not None:
            _link_code_use(request=request, code_id=code_id)
        assessment = assessment_submit(assessor=request.assessor, learner=request.learner, epa=request.epa,
                                       request=request, entry_method=EPAAssessment.EntryMethod.LINK, **fields)
        audit_log_record(company=request.company_id, actor=request.assessor,
                         action="assessment_request.prove_assessor", entity=request, changes={"proof": proof})
    return assessment


def _request_lock_open(request) -> AssessmentRequest:
    locked = AssessmentRequest.objects.for_company(request.company_id).select_for_update().get(pk=request.pk)
    if locked.status != AssessmentRequest.Status.OPEN:
        raise ValidationError({"__all__": f"This request is already {locked.get_status_display().lower()}."})
    return locked


def assessment_request_decline(*, actor, request, reason: str) -> AssessmentRequest:
    """The assessor a request names declines it, saying why; the learner is told (a task, on commit)."""
    if request.assessor_id != actor.pk:
        raise PermissionDenied("Only the faculty member asked may decline a request")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why you decline, so the learner can ask someone else."})
    with transaction.atomic():
        locked = _request_lock_open(request)
        locked.status, locked.decline_reason = AssessmentRequest.Status.DECLINED, reason[:500]
        save_with_audit(instance=locked, actor=actor, action=action_name(locked, "decline"))
        dispatch(notify_learner_of_request, company_id=str(locked.company_id), request_id=str(locked.pk),
                 kind="request_declined", key="declined")
    return locked


def assessment_request_cancel(*, actor, request) -> AssessmentRequest:
    """The learner withdraws their own open request (its signed link stops working)."""
    if request.learner.user_id != actor.pk:
        raise PermissionDenied("Only the learner who asked may cancel a request")
    with transaction.atomic():
        locked = _request_lock_open(request)
        locked.status = AssessmentRequest.Status.CANCELLED
        save_with_audit(instance=locked, actor=actor, action=action_name(locked, "cancel"))
    return locked
