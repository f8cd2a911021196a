"""Reads of the CCC. ``packets_for`` builds the packets of any number of residents of one
meeting in a fixed number of queries (pinned in tests/ccc/test_packet_queries.py)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from apps.academics.models import Learner
from apps.assessments.models import AssessmentFeedbackTag, EPAAssessment
from apps.ccc.models import (
    CCCMeeting,
    EvidenceMapping,
    MilestoneAssessment,
    MilestoneLevel,
    Period,
    ResidentReview,
    period_window,
)
from apps.ccc.suggestions import Evidence, suggest_level
from apps.core.prepared import prepared
from apps.reference.models import EPA, EntrustmentLevel, Milestone

NO_TAG = "No feedback tag"


@dataclass
class Packet:
    learner: Learner
    window: tuple
    as_of: datetime.date
    assessments: list = field(default_factory=list)
    epa_rows: list = field(default_factory=list)  # {"epa", "count", "levels": [..]} for EPAs assessed
    gaps: list = field(default_factory=list)  # EPAs of the program's set never assessed in the period
    narratives: dict = field(default_factory=dict)  # tag label → [assessment]
    violations: list = field(default_factory=list)
    violations_available: bool = False
    previous_levels: dict = field(default_factory=dict)  # milestone id → [MilestoneAssessment] older first
    current_levels: dict = field(default_factory=dict)  # milestone id → MilestoneAssessment
    last_review: ResidentReview | None = None
    review: ResidentReview | None = None
    rows: list = field(default_factory=list)  # per milestone: {"milestone", "suggestion", "current", "previous"}
    history: dict = field(default_factory=dict)  # EPA id → [(half-year label, mean level, count)] since training began


def program_milestones(program) -> list[Milestone]:
    if not program.milestone_set_id:
        return []
    return list(Milestone.objects.filter(milestone_set_id=program.milestone_set_id)
                .select_related("competency").order_by("display_order", "pk"))


# Two small reads of every packet, prepared (apps.core.prepared: SQL compiled once per process).
_scale_top = prepared(lambda epa_set_id: EntrustmentLevel.objects.filter(scale__epa_sets=epa_set_id)
                      .order_by("-number").values("number")[:1])
_mappings = prepared(lambda company_id, program_id: EvidenceMapping.objects.for_company(company_id)
                     .filter(program_id=program_id).values("milestone_id", "epa_id", "weight"))


def scale_top_of(program) -> int:
    """The highest level of the program's EPA set's entrustment scale (0 without a set or levels)."""
    if not program.epa_set_id:
        return 0
    rows = _scale_top(epa_set_id=program.epa_set_id)
    return (rows[0]["number"] if rows else 0) or 0


def meeting_learners(meeting) -> list[Learner]:
    return [row.learner for row in meeting.residents.select_related("learner__user").order_by("order", "pk")]


def packets_for(*, meeting: CCCMeeting, learners: list[Learner], violations_by_learner=None,
                milestones: list[Milestone] | None = None) -> list[Packet]:
    """The packets of ``learners`` (residents of ``meeting``): evidence in the meeting's period up
    to the meeting's date. ``violations_by_learner`` ({learner id: [violation]}) comes from the
    work-hours context when it is installed (one call for all learners). ``milestones``: the
    program's (``program_milestones``) when the caller has read them already (one query less)."""
    company_id, program = meeting.company_id, meeting.program
    start, end = period_window(meeting.academic_year, meeting.period)
    as_of = min(end, meeting.date)
    ids = [learner.pk for learner in learners]
    packets = {learner.pk: Packet(learner=learner, window=(start, end), as_of=as_of) for learner in learners}
    if not ids:
        return []

    assessments = list(EPAAssessment.objects.for_company(company_id)
                       .filter(learner_id__in=ids, assessment_date__gte=start, assessment_date__lte=as_of)
                       .select_related("epa", "assessor").order_by("assessment_date", "submitted_at", "pk"))
    tags = defaultdict(list)
    for link in (AssessmentFeedbackTag.objects.for_company(company_id)
                 .filter(assessment__learner_id__in=ids, assessment__deleted_at__isnull=True,
                         assessment__assessment_date__gte=start, assessment__assessment_date__lte=as_of)
                 .select_related("tag").order_by("tag__name")):
        tags[link.assessment_id].append(link)
    epas = list(EPA.objects.filter(epa_set_id=program.epa_set_id).order_by("display_order", "number")) \
        if program.epa_set_id else []
    if milestones is None:
        milestones = program_milestones(program)
    mappings = defaultdict(dict)  # milestone id → {epa id: weight}
    for row in _mappings(company_id=company_id, program_id=program.pk):
        mappings[row["milestone_id"]][row["epa_id"]] = row["weight"]
    top = scale_top_of(program)
    levels = (MilestoneAssessment.objects.for_company(company_id).filter(learner_id__in=ids)
              .select_related("academic_year", "milestone").order_by("academic_year__start_date", "period", "pk"))
    last_reviews = {review.learner_id: review for review in
                    ResidentReview.objects.for_company(company_id)
                    .filter(learner_id__in=ids, finalised_at__isnull=False).exclude(meeting=meeting)
                    .select_related("meeting__academic_year").order_by("learner_id", "-finalised_at").distinct("learner_id")}
    reviews = {review.learner_id: review for review in
               ResidentReview.objects.for_company(company_id).filter(meeting=meeting, learner_id__in=ids)}

    for assessment in assessments:
        packet = packets[assessment.learner_id]
        assessment.tag_list = tags.get(assessment.pk, [])
        packet.assessments.append(assessment)
    halves = defaultdict(list)  # (learner, EPA, half-year) → levels: the trajectory over the whole training
    for learner_id, epa_id, day, level in (EPAAssessment.objects.for_company(company_id)
                                           .filter(learner_id__in=ids, assessment_date__lte=as_of)
                                           .order_by().values_list("learner_id", "epa_id", "assessment_date",
                                                                   "entrustment_level")):
        halves[(learner_id, epa_id, (day.year, 1 if day.month <= 6 else 2))].append(level)
    for (learner_id, epa_id, (year, half)), found in sorted(halves.items(), key=lambda item: item[0][2]):
        label = f"{year} {'Jan–Jun' if half == 1 else 'Jul–Dec'}"
        packets[learner_id].history.setdefault(epa_id, []).append((label, sum(found) / len(found), len(found)))
    for level in levels:
        packet = packets[level.learner_id]
        if level.academic_year_id == meeting.academic_year_id and level.period == meeting.period:
            packet.current_levels[level.milestone_id] = level
        elif _before(level, meeting):
            packet.previous_levels.setdefault(level.milestone_id, []).append(level)
    for learner_id, packet in packets.items():
        packet.last_review = last_reviews.get(learner_id)
        packet.review = reviews.get(learner_id)
        if violations_by_learner is not None:
            packet.violations_available = True
            packet.violations = list(violations_by_learner.get(learner_id, []))
        _fill(packet, epas, milestones, mappings, top)
    return [packets[pk] for pk in ids]


def _before(level, meeting) -> bool:
    order = (level.academic_year.start_date, 0 if level.period == Period.MID_YEAR else 1)
    current = (meeting.academic_year.start_date, 0 if meeting.period == Period.MID_YEAR else 1)
    return order < current


def _fill(packet, epas, milestones, mappings, top):
    by_epa = defaultdict(list)
    for assessment in packet.assessments:
        by_epa[assessment.epa_id].append(assessment)
    known = {epa.pk for epa in epas}
    extra = [a.epa for a in packet.assessments if a.epa_id not in known]
    for epa in epas + list({e.pk: e for e in extra}.values()):
        rows = by_epa.get(epa.pk, [])
        if rows:
            packet.epa_rows.append({"epa": epa, "count": len(rows), "levels": [a.entrustment_level for a in rows],
                                    "history": packet.history.get(epa.pk, [])})
        elif epa.pk in known:
            packet.gaps.append(epa)
    narratives = defaultdict(list)
    for assessment in packet.assessments:
        if not assessment.narrative_feedback.strip():
            continue
        labels = [f"{link.tag.name} ({link.get_tag_type_display().lower()})" for link in assessment.tag_list]
        for label in labels or [NO_TAG]:
            narratives[label].append(assessment)
    packet.narratives = dict(sorted(narratives.items(), key=lambda item: (item[0] == NO_TAG, item[0])))
    for milestone in milestones:
        weights = mappings.get(milestone.pk, {})
        evidence = [Evidence(assessment_id=a.pk, epa_label=f"EPA {a.epa.number}", date=a.assessment_date,
                             level=a.entrustment_level, weight=weights[a.epa_id])
                    for a in packet.assessments if a.epa_id in weights]
        packet.rows.append({
            "milestone": milestone, "mapped": bool(weights),
            "suggestion": suggest_level(evidence, scale_top=top, as_of=packet.as_of),
            "current": packet.current_levels.get(milestone.pk),
            "previous": packet.previous_levels.get(milestone.pk, []),
        })


# ---------------------------------------------------------------- lists
def meetings_for_program(*, program):
    return (CCCMeeting.objects.for_company(program.company_id).filter(program=program)
            .select_related("academic_year", "chair").order_by("-date"))


def milestone_report(*, program, academic_year, period) -> dict:
    """Resident × subcompetency × level for one period: the shape of the ACGME form."""
    milestones = program_milestones(program)
    learners = list(Learner.objects.for_company(program.company_id)
                    .filter(program=program, kind=Learner.Kind.RESIDENT)
                    .exclude(status__in=[Learner.Status.WITHDRAWN])
                    .select_related("user").order_by("pgy_level", "user__last_name", "user__first_name"))
    levels = {(row.learner_id, row.milestone_id): row for row in MilestoneAssessment.objects.for_company(
        program.company_id).filter(learner__program=program, academic_year=academic_year, period=period)}
    labels = dict(MilestoneLevel.choices)
    rows = [{"learner": learner,
             "cells": [levels.get((learner.pk, milestone.pk)) for milestone in milestones]} for learner in learners]
    reported = [row for row in levels.values() if row.reported_at]
    return {"milestones": milestones, "rows": rows, "labels": labels, "count": len(levels),
            "reported": len(reported), "unreported": len(levels) - len(reported)}


def residents_reviews(*, user):
    """A resident's finalised reviews, newest first."""
    return (ResidentReview.objects.for_company(user.company_id)
            .filter(learner__user=user, finalised_at__isnull=False)
            .select_related("meeting__academic_year", "meeting__program", "learner__program")
            .order_by("-finalised_at"))


def review_levels(*, review) -> list[MilestoneAssessment]:
    """The resident's levels of the review's year and period — none decided at a meeting that has
    not completed yet (a second meeting of the same period may be under way)."""
    return list(MilestoneAssessment.objects.for_company(review.company_id).filter(
        learner_id=review.learner_id, academic_year_id=review.meeting.academic_year_id,
        period=review.meeting.period).exclude(
        meeting__status__in=[CCCMeeting.Status.PLANNED, CCCMeeting.Status.IN_PROGRESS])
        .select_related("milestone").order_by("milestone__display_order"))
