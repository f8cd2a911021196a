"""Writes of the CCC (keyword-only, actor explicit, atomic, audited; side effects dispatched on
commit). Pages, API and the demo call the same functions.

Rules (each also a database constraint where one can hold it):
* a meeting has at least three faculty members of its program (MIN_FACULTY_MEMBERS);
* planned → in progress → completed, never back; a meeting completes only when every listed
  resident has a review; completing finalises the reviews (residents then see them);
* a milestone level is one per resident, subcompetency, academic year and period; once marked
  reported it changes only with a reason, audited with before and after.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.academics.models import Faculty, Learner
from apps.audit.services import audit_log_record, model_changes, snapshot
from apps.ccc.access import can_chair_meeting, can_manage_ccc
from apps.ccc.models import (
    MIN_FACULTY_MEMBERS,
    CCCMeeting,
    EvidenceMapping,
    MeetingMember,
    MeetingResident,
    MilestoneAssessment,
    MilestoneLevel,
    PacketJob,
    Period,
    ResidentReview,
)
from apps.ccc.tasks import build_packet_pdf, notify_residents_of_final_reviews
from apps.core.idempotency import IdempotencyKeyError, idempotency_key, replay_or_create
from apps.core.tasks import dispatch
from apps.reference.models import EPA, Milestone

REASON_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 10000


# ------------------------------------------------------------------ locks (pk order, named)
def _lock_meeting(meeting) -> CCCMeeting:
    """The meeting row, locked: every write to a meeting and its reviews queues here."""
    return (CCCMeeting.objects.for_company(meeting.company_id).select_for_update(of=("self",))
            .select_related("program", "academic_year").get(pk=meeting.pk))


def _lock_milestone_assessments(company_id, pks):
    """Milestone levels, locked in primary-key order (two writers never wait on each other in a circle)."""
    return list(MilestoneAssessment.objects.for_company(company_id).select_for_update(of=("self",))
                .select_related("milestone", "learner__program", "academic_year", "meeting")
                .filter(pk__in=sorted(pks)).order_by("pk"))


def _key(submission_key):
    if submission_key in (None, ""):
        return None
    try:
        return idempotency_key(submission_key)
    except IdempotencyKeyError:
        raise ValidationError({"submission_key": "Not a valid key."})


def _text(errors, name, value, required=False, limit=TEXT_MAX_LENGTH):
    value = (value or "").strip()
    if required and not value:
        errors[name] = "Required."
    elif len(value) > limit:
        errors[name] = f"At most {limit:,} characters."
    return value


# ------------------------------------------------------------------ meetings
def meeting_create(*, actor, program, academic_year, period, date, chair, member_ids, learner_ids,
                   submission_key=None) -> CCCMeeting:
    """Plan a meeting. Members: at least three faculty members of the program (the chair is one
    of them, added if not listed); residents: learners of the program."""
    if not can_manage_ccc(actor, program):
        raise PermissionDenied
    key = _key(submission_key)
    errors = {}
    if academic_year is None or academic_year.program_id != program.pk:
        errors["academic_year"] = "Choose one of the program's academic years."
    if period not in Period.values:
        errors["period"] = "Choose mid-year or year-end."
    if date is None:
        errors["date"] = "Required."
    faculty_ids = set(Faculty.objects.for_company(program.company_id)
                      .filter(program=program, is_active=True).values_list("user_id", flat=True))
    members = {str(pk) for pk in member_ids or ()}
    if chair is not None:
        members.add(str(chair.pk))
    faculty_by_text = {str(pk): pk for pk in faculty_ids}
    faculty_members = {pk for pk in members if pk in faculty_by_text}
    if chair is None or chair.pk not in faculty_ids:
        errors["chair"] = "The chair must be a faculty member of the program."
    if members - faculty_members:
        errors["members"] = "Members must be faculty members of the program."
    elif len(faculty_members) < MIN_FACULTY_MEMBERS:
        errors["members"] = (f"A Clinical Competency Committee has at least {MIN_FACULTY_MEMBERS} faculty "
                             f"members; {len(faculty_members)} chosen.")
    learners = list(Learner.objects.for_company(program.company_id)
                    .filter(program=program, kind=Learner.Kind.RESIDENT, pk__in=[str(pk) for pk in learner_ids or ()])
                    .order_by("user__last_name", "user__first_name"))
    if len(learners) != len(set(map(str, learner_ids or ()))):
        errors["learners"] = "Residents must be residents of the program."
    elif not learners:
        errors["learners"] = "Choose the residents to review."
    if errors:
        raise ValidationError(errors)

    def create():
        meeting = CCCMeeting(program=program, academic_year=academic_year, period=period, date=date, chair=chair,
                             created_by=actor, submission_key=key)
        meeting._history_user = actor
        meeting.save()
        MeetingMember.objects.bulk_create([MeetingMember(meeting=meeting, company_id=meeting.company_id,
                                                         user_id=faculty_by_text[pk]) for pk in sorted(faculty_members)])
        MeetingResident.objects.bulk_create([MeetingResident(meeting=meeting, company_id=meeting.company_id,
                                                             learner=learner, order=index)
                                             for index, learner in enumerate(learners)])
        audit_log_record(company=meeting.company_id, actor=actor, action="ccc_meeting.create", entity=meeting,
                         changes={**snapshot(meeting), "members": sorted(faculty_members),
                                  "residents": [str(learner.pk) for learner in learners]})
        return meeting

    with transaction.atomic():
        meeting, _ = replay_or_create(CCCMeeting.objects.for_company(program.company_id),
                                      key_field="submission_key", key=key, create=create)
    return meeting


def meeting_start(*, actor, meeting) -> CCCMeeting:
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if not (can_chair_meeting(actor, meeting) or can_manage_ccc(actor, meeting.program)):
            raise PermissionDenied
        if meeting.status != CCCMeeting.Status.PLANNED:
            raise ValidationError("Only a planned meeting can start.")
        meeting.status, meeting.started_at = CCCMeeting.Status.IN_PROGRESS, timezone.now()
        meeting._history_user = actor
        meeting.save(update_fields=["status", "started_at", "updated_at"])
        audit_log_record(company=meeting.company_id, actor=actor, action="ccc_meeting.start", entity=meeting,
                         changes={"status": [CCCMeeting.Status.PLANNED, meeting.status]})
    return meeting


def meeting_attendance_record(*, actor, meeting, attended_user_ids) -> CCCMeeting:
    """Who attended: every member is marked present or absent."""
    attended = {str(pk) for pk in attended_user_ids or ()}
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if not (can_chair_meeting(actor, meeting) or can_manage_ccc(actor, meeting.program)):
            raise PermissionDenied
        members = list(meeting.members.order_by("pk"))
        unknown = attended - {str(member.user_id) for member in members}
        if unknown:
            raise ValidationError({"attended": "Only the meeting's members can be marked present."})
        changes = {}
        for member in members:
            now_present = str(member.user_id) in attended
            if member.attended != now_present:
                changes[str(member.user_id)] = [member.attended, now_present]
                member.attended = now_present
                member._history_user = actor
                member.save(update_fields=["attended"])
        audit_log_record(company=meeting.company_id, actor=actor, action="ccc_meeting.record_attendance",
                         entity=meeting, changes=changes)
    return meeting


def meeting_complete(*, actor, meeting, minutes="") -> CCCMeeting:
    """Complete the meeting: every listed resident must have a review. The reviews become final
    (their residents see them, without the discussion notes)."""
    errors = {}
    minutes = _text(errors, "minutes", minutes, limit=50000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if not can_chair_meeting(actor, meeting):
            raise PermissionDenied
        if meeting.status != CCCMeeting.Status.IN_PROGRESS:
            raise ValidationError("Only a meeting in progress can complete.")
        reviewed = set(meeting.reviews.values_list("learner_id", flat=True))
        missing = [str(row.learner) for row in meeting.residents.select_related("learner__user")
                   if row.learner_id not in reviewed]
        if missing:
            raise ValidationError(f"{len(missing)} resident(s) have no review yet: {', '.join(missing)}.")
        before = snapshot(meeting)
        now = timezone.now()
        meeting.status, meeting.completed_at, meeting.minutes = CCCMeeting.Status.COMPLETED, now, minutes
        meeting._history_user = actor
        meeting.save(update_fields=["status", "completed_at", "minutes", "updated_at"])
        for review in meeting.reviews.order_by("pk"):
            review.finalised_at = now
            review._history_user = actor
            review.save(update_fields=["finalised_at", "updated_at"])
        audit_log_record(company=meeting.company_id, actor=actor, action="ccc_meeting.complete", entity=meeting,
                         changes=model_changes(meeting, before))
        dispatch(notify_residents_of_final_reviews, company_id=str(meeting.company_id), meeting_id=str(meeting.pk))
    return meeting


# ------------------------------------------------------------------ reviews and levels
def review_record(*, actor, meeting, learner, overall_performance, promotion_recommendation, strengths="",
                  areas_for_improvement="", remediation=False, remediation_plan="", follow_up_date=None,
                  discussion_notes="", levels=None, reason="") -> ResidentReview:
    """The chair records one resident's review and milestone levels (``levels``: {milestone id:
    (level code, rationale)}; a blank code leaves that subcompetency undecided)."""
    errors = {}
    if overall_performance not in ResidentReview.Performance.values:
        errors["overall_performance"] = "Choose one."
    if promotion_recommendation not in ResidentReview.Recommendation.values:
        errors["promotion_recommendation"] = "Choose one."
    strengths = _text(errors, "strengths", strengths)
    areas_for_improvement = _text(errors, "areas_for_improvement", areas_for_improvement)
    discussion_notes = _text(errors, "discussion_notes", discussion_notes)
    remediation_plan = _text(errors, "remediation_plan", remediation_plan)
    if remediation:
        if not remediation_plan:
            errors["remediation_plan"] = "A remediation needs a plan."
        if follow_up_date is None:
            errors["follow_up_date"] = "A remediation needs a follow-up date."
    else:
        remediation_plan, follow_up_date = "", None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if not can_chair_meeting(actor, meeting):
            raise PermissionDenied
        if meeting.status != CCCMeeting.Status.IN_PROGRESS:
            raise ValidationError("Reviews are recorded while the meeting is in progress.")
        if not meeting.residents.filter(learner=learner).exists():
            raise ValidationError({"learner": "This resident is not on the meeting."})
        review = meeting.reviews.filter(learner=learner).first()
        adding = review is None
        before = {} if adding else snapshot(review)
        review = review or ResidentReview(meeting=meeting, learner=learner, recorded_by=actor)
        for name, value in (("overall_performance", overall_performance),
                            ("promotion_recommendation", promotion_recommendation), ("strengths", strengths),
                            ("areas_for_improvement", areas_for_improvement), ("remediation", bool(remediation)),
                            ("remediation_plan", remediation_plan), ("follow_up_date", follow_up_date),
                            ("discussion_notes", discussion_notes)):
            setattr(review, name, value)
        review.recorded_by = actor
        review._history_user = actor
        review.save()
        audit_log_record(company=meeting.company_id, actor=actor,
                         action="resident_review.create" if adding else "resident_review.update",
                         entity=review, changes=snapshot(review) if adding else model_changes(review, before))
        for milestone_id, (level, rationale) in sorted((levels or {}).items(), key=lambda item: str(item[0])):
            if not level:
                continue
            milestone = _milestone_of(meeting.program, milestone_id)
            milestone_level_set(actor=actor, learner=learner, milestone=milestone,
                                academic_year=meeting.academic_year, period=meeting.period, level=level,
                                rationale=rationale, meeting=meeting, reason=reason)
    return review


def _milestone_of(program, milestone_id):
    milestone = Milestone.objects.filter(pk=milestone_id, milestone_set_id=program.milestone_set_id).first() \
        if program.milestone_set_id else None
    if milestone is None:
        raise ValidationError({"levels": "A level names a subcompetency outside the program's milestone set."})
    return milestone


def milestone_level_set(*, actor, learner, milestone, academic_year, period, level, rationale="", meeting=None,
                        reason="") -> MilestoneAssessment:
    """Set one level. A reported level changes only with a reason (audited, with before/after)."""
    errors = {}
    if level not in MilestoneLevel.values:
        errors["level"] = "Choose one of the form's boxes."
    if period not in Period.values:
        errors["period"] = "Choose mid-year or year-end."
    rationale = _text(errors, "rationale", rationale, limit=5000)
    reason = _text(errors, "reason", reason, limit=REASON_MAX_LENGTH)
    if academic_year.program_id != learner.program_id:
        errors["academic_year"] = "Not the resident's program year."
    if milestone.milestone_set_id != learner.program.milestone_set_id:
        errors["milestone"] = "Not a subcompetency of the program's milestone set."
    if errors:
        raise ValidationError(errors)
    if not (can_manage_ccc(actor, learner.program) or (meeting is not None and can_chair_meeting(actor, meeting))):
        raise PermissionDenied
    with transaction.atomic():
        existing = MilestoneAssessment.objects.for_company(learner.company_id).filter(
            learner=learner, milestone=milestone, academic_year=academic_year, period=period).first()
        if existing is not None:
            existing = _lock_milestone_assessments(learner.company_id, [existing.pk])[0]
            if existing.level == level and existing.rationale == rationale:
                return existing
            if existing.is_reported and not reason:
                raise ValidationError({"reason": f"{milestone.subcompetency_code} was reported: say why it changes."})
            before = snapshot(existing)
            existing.level, existing.rationale, existing.decided_by = level, rationale, actor
            if meeting is not None:
                existing.meeting = meeting
            existing._history_user = actor
            existing._change_reason = reason or None
            existing.save()
            changes = model_changes(existing, before)
            if reason:
                changes["reason"] = [None, reason]
            audit_log_record(company=learner.company_id, actor=actor,
                             action="milestone_assessment.change_reported" if existing.is_reported
                             else "milestone_assessment.update", entity=existing, changes=changes)
            return existing
        created = MilestoneAssessment(learner=learner, milestone=milestone, academic_year=academic_year,
                                      period=period, level=level, rationale=rationale, decided_by=actor,
                                      meeting=meeting)
        created._history_user = actor
        created.save()
        audit_log_record(company=learner.company_id, actor=actor, action="milestone_assessment.create",
                         entity=created, changes=snapshot(created))
        return created


def milestone_levels_mark_reported(*, actor, program, academic_year, period) -> int:
    """Mark the period's levels reported (entered in ADS): from now on a change needs a reason."""
    if not can_manage_ccc(actor, program):
        raise PermissionDenied
    if academic_year.program_id != program.pk or period not in Period.values:
        raise ValidationError("Choose one of the program's years and a period.")
    with transaction.atomic():
        pks = MilestoneAssessment.objects.for_company(program.company_id).filter(
            learner__program=program, academic_year=academic_year, period=period,
            reported_at__isnull=True).values_list("pk", flat=True)
        rows = _lock_milestone_assessments(program.company_id, list(pks))
        now = timezone.now()
        for row in rows:
            row.reported_at = now
            row._history_user = actor
            row.save(update_fields=["reported_at", "updated_at"])
        audit_log_record(company=program.company_id, actor=actor, action="milestone_assessment.mark_reported",
                         entity=program, changes={"academic_year": str(academic_year.pk), "period": period,
                                                  "count": len(rows)})
    return len(rows)


# ------------------------------------------------------------------ the evidence mapping
def mapping_set(*, actor, program, weights: dict) -> int:
    """Replace the program's EPA → subcompetency mapping: ``weights`` {(epa id, milestone id):
    Decimal weight or None (not mapped)}. Returns the number of mapped pairs."""
    if not can_manage_ccc(actor, program):
        raise PermissionDenied
    epas = set(EPA.objects.filter(epa_set_id=program.epa_set_id).values_list("pk", flat=True)) \
        if program.epa_set_id else set()
    milestones = set(Milestone.objects.filter(milestone_set_id=program.milestone_set_id)
                     .values_list("pk", flat=True)) if program.milestone_set_id else set()
    wanted = {}
    for (epa_id, milestone_id), weight in weights.items():
        if weight in (None, ""):
            continue
        if int(epa_id) not in epas or int(milestone_id) not in milestones:
            raise ValidationError({"weights": "An EPA or subcompetency is not the program's."})
        try:
            weight = Decimal(str(weight))
        except ArithmeticError:
            raise ValidationError({"weights": f"{weight!r} is not a number."})
        if not (Decimal("0") < weight <= Decimal("10")) or weight != weight.quantize(Decimal("0.01")):
            raise ValidationError({"weights": "Weights are numbers above 0 and at most 10 (two decimals)."})
        wanted[(int(epa_id), int(milestone_id))] = weight
    with transaction.atomic():
        program_row = type(program).objects.for_company(program.company_id).select_for_update().get(
            pk=program.pk)  # one writer of the mapping at a time
        existing = {(row.epa_id, row.milestone_id): row
                    for row in EvidenceMapping.objects.for_company(program_row.company_id).filter(program=program_row)}
        changes = {}
        for key, row in existing.items():
            if key not in wanted:
                changes[f"{key[0]}→{key[1]}"] = [str(row.weight), None]
                row.delete()
            elif row.weight != wanted[key]:
                changes[f"{key[0]}→{key[1]}"] = [str(row.weight), str(wanted[key])]
                row.weight = wanted[key]
                row._history_user = actor
                row.save(update_fields=["weight", "updated_at"])
        for key, weight in wanted.items():
            if key not in existing:
                row = EvidenceMapping(program=program_row, epa_id=key[0], milestone_id=key[1], weight=weight)
                row._history_user = actor
                row.save()
                changes[f"{key[0]}→{key[1]}"] = [None, str(weight)]
        if changes:
            audit_log_record(company=program.company_id, actor=actor, action="evidence_mapping.update",
                             entity=program_row, changes=changes)
    return len(wanted)


# ------------------------------------------------------------------ packets
def packet_job_start(*, actor, meeting) -> PacketJob:
    """Queue the PDF of every packet of the meeting (a Celery task; progress on the job row)."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        total = meeting.residents.count()
        job = PacketJob(meeting=meeting, requested_by=actor, total=total)
        job.save()
        audit_log_record(company=meeting.company_id, actor=actor, action="packet_job.start", entity=job,
                         changes={"meeting": str(meeting.pk), "total": total})
        dispatch(build_packet_pdf, company_id=str(meeting.company_id), job_id=str(job.pk))
    return job

