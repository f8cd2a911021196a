"""Reads of the CCC. ``packets_for`` builds the packets of any number of residents of one
meeting in a fixed number of queries (pinned in tests/ccc/test_packets.py)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, CharField, Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.expressions import Case, RawSQL, When
from django.db.models.functions import Cast, ExtractYear, JSONObject

from apps.academics.models import AcademicYear, Learner, Program
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
from apps.hours import rules as hours_rules
from apps.hours import selectors as hours_selectors
from apps.hours.models import HoursPolicy
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
    return [instance_of(Milestone, row) for row in _milestones(milestone_set_id=program.milestone_set_id)]


# The packet's reads, prepared (apps.core.prepared: SQL compiled once per process, values() rows).
# Compiling the ORM's SQL was most of the packet page's CPU; the rows the page, the PDF and the API
# read as models (milestones, EPAs, levels, reviews) are made with ``Model.from_db`` from the rows,
# the assessments (the many rows) are ``AssessmentRow``s. Learner ids go in as one array parameter
# (``= ANY(%s::uuid[])``) so one SQL serves any number of residents (the PDF reads ten at a time).
def _any_learner(table: str, learner_ids: str):
    return RawSQL(f'"{table}"."learner_id" = ANY(%s::uuid[])', (learner_ids,), output_field=BooleanField())


def uuid_array(ids) -> str:
    """Ids as one PostgreSQL array literal: the parameter of ``= ANY(%s::uuid[])``."""
    return "{" + ",".join(str(pk) for pk in ids) + "}"


def _fields(model, *extra) -> tuple:
    return tuple(field.attname for field in model._meta.concrete_fields) + extra


def instance_of(model, row: dict):
    """A model instance of a values() row (fields not in the row are deferred)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db("default", names, [row[name] for name in names])


_milestones = prepared(lambda milestone_set_id: Milestone.objects.filter(milestone_set_id=milestone_set_id)
                       .order_by("display_order", "pk").values(*_fields(Milestone)))


# The packet's reads, folded (issue 19): what the packets of one meeting need is read in four
# prepared queries, each row carrying its lists as arrays of JSON objects built by the ORM
# (``ArraySubquery`` of ``JSONObject``): one per program (milestones, EPAs, mapping, the scale's
# top), one per learner (work-hour state, levels, last and current review), the period's
# assessments with their tags, and the trajectory summed per EPA and half-year in SQL. Fifteen
# round trips were most of the page's PostgreSQL time; JSON values come back as text, dates and
# UUIDs as strings: ``_from_json`` gives each model field its Python type (``Field.to_python``),
# decimals travel as text (a JSON number would lose "1.00").
def _json_of(model, *extra, **renamed):
    fields = {name: Cast(name, CharField()) if model._meta.get_field(name).get_internal_type() == "DecimalField"
              else name for name in _fields(model) if name not in renamed}
    return JSONObject(**fields, **{name: name for name in extra}, **renamed)


def _from_json(model, data: dict):
    """A model instance of a ``_json_of`` object (its fields' Python types; others deferred)."""
    row = {}
    for model_field in model._meta.concrete_fields:
        if model_field.attname in data:
            value = data[model_field.attname]
            row[model_field.attname] = None if value is None else model_field.to_python(value)
    return instance_of(model, row)


def _program_reads(company_id, program_id):
    return Program.objects.for_company(company_id).filter(pk=program_id).order_by().values(
        milestones=ArraySubquery(Milestone.objects.filter(milestone_set_id=OuterRef("milestone_set_id"))
                                 .order_by("display_order", "pk").values(json=_json_of(Milestone))),
        epas=ArraySubquery(EPA.objects.filter(epa_set_id=OuterRef("epa_set_id"))
                           .order_by("display_order", "number").values(json=_json_of(EPA))),
        mappings=ArraySubquery(EvidenceMapping.objects.for_company(company_id).filter(program_id=OuterRef("pk"))
                               .order_by().values(json=JSONObject(milestone_id="milestone_id", epa_id="epa_id",
                                                                  weight=Cast("weight", CharField())))),
        top=Subquery(EntrustmentLevel.objects.filter(scale__epa_sets=OuterRef("epa_set_id"))
                     .order_by("-number").values("number")[:1]))


_program = prepared(_program_reads)
_LEVEL_JSON = _json_of(MilestoneAssessment, academic_year__name="academic_year__name",
                       academic_year__start_date="academic_year__start_date")


def _learner_reads(company_id, learner_ids, meeting_id):
    reviews = ResidentReview.objects.for_company(company_id).filter(learner_id=OuterRef("pk"))
    return (Learner.objects.for_company(company_id)
            .filter(RawSQL('"academics_learner"."id" = ANY(%s::uuid[])', (learner_ids,), output_field=BooleanField()))
            .order_by().values(
                "id", "pgy_level", "program__hours_policy__time_zone", "compliance_state__id",
                "compliance_state__stale", "compliance_state__pgy_level", "compliance_state__time_zone",
                levels=ArraySubquery(MilestoneAssessment.objects.for_company(company_id).filter(learner_id=OuterRef("pk"))
                                     .order_by("academic_year__start_date", "period", "pk").values(json=_LEVEL_JSON)),
                last_review=Subquery(reviews.filter(finalised_at__isnull=False).exclude(meeting_id=meeting_id)
                                     .order_by("-finalised_at").values(json=_json_of(
                                         ResidentReview, meeting__period="meeting__period",
                                         meeting__academic_year_id="meeting__academic_year_id",
                                         meeting__academic_year__name="meeting__academic_year__name"))[:1]),
                review=Subquery(reviews.filter(meeting_id=meeting_id).values(json=_json_of(ResidentReview))[:1])))


_learners = prepared(_learner_reads)
_EPA_OF_ASSESSMENT = tuple(f"epa__{name}" for name in _fields(EPA))
_assessments = prepared(lambda company_id, learner_ids, start, as_of: EPAAssessment.objects.for_company(company_id)
                        .filter(_any_learner("assessments_epaassessment", learner_ids),
                                assessment_date__gte=start, assessment_date__lte=as_of)
                        .order_by("assessment_date", "submitted_at", "pk")
                        .values("id", "learner_id", "epa_id", "assessment_date", "entrustment_level",
                                "narrative_feedback", "assessor__first_name", "assessor__last_name",
                                "assessor__email", *_EPA_OF_ASSESSMENT,
                                tags=ArraySubquery(AssessmentFeedbackTag.objects.for_company(company_id)
                                                   .filter(assessment_id=OuterRef("pk")).order_by("tag__name")
                                                   .values(json=JSONObject(name="tag__name", type="tag_type")))))
# The trajectory over the whole training: per (learner, EPA, half-year) the sum and count of the
# levels (the page shows sum / count, as Python computed it from every row before).
_trajectory = prepared(lambda company_id, learner_ids, as_of: EPAAssessment.objects.for_company(company_id)
                       .filter(_any_learner("assessments_epaassessment", learner_ids), assessment_date__lte=as_of)
                       .annotate(year=ExtractYear("assessment_date"),
                                 half=Case(When(assessment_date__month__lte=6, then=1), default=2,
                                           output_field=IntegerField()))
                       .order_by().values("learner_id", "epa_id", "year", "half")
                       .annotate(total=Sum("entrustment_level"), count=Count("pk")))
TAG_TYPES = dict(AssessmentFeedbackTag.TagType.choices)


@dataclass(slots=True)
class AssessmentRow:
    """An EPA assessment of a packet: what the page, the PDF and the API show of it."""

    pk: object
    learner_id: object
    epa_id: int
    epa: EPA
    assessment_date: datetime.date
    entrustment_level: int
    narrative_feedback: str
    assessor: str  # the assessor's name as ``str(user)`` gives it
    tag_labels: list  # "tag (went well)", by tag name


def meeting_learners(meeting) -> list[Learner]:
    return [row.learner for row in meeting.residents.select_related("learner__user").order_by("order", "pk")]


def packets_for(*, meeting: CCCMeeting, learners: list[Learner], violations_by_learner=None,
                milestones: list[Milestone] | None = None, work_hours: bool = False) -> list[Packet]:
    """The packets of ``learners`` (residents of ``meeting``): evidence in the meeting's period up
    to the meeting's date, in five queries for any number of learners (six with ``work_hours``).
    Work-hour violations: ``violations_by_learner`` ({learner id: [violation]}, one call for all
    learners: ``jobs.violations_for``), or ``work_hours=True`` to read them here (the residents'
    work-hour state rides with their levels and reviews). ``milestones`` is accepted for callers
    that have them; the program's are read with its EPAs either way (one query)."""
    company_id, program = meeting.company_id, meeting.program
    start, end = period_window(meeting.academic_year, meeting.period)
    as_of = min(end, meeting.date)
    ids = [learner.pk for learner in learners]
    packets = {learner.pk: Packet(learner=learner, window=(start, end), as_of=as_of) for learner in learners}
    if not ids:
        return []
    learner_ids = uuid_array(ids)

    [reference] = _program(company_id=company_id, program_id=program.pk)
    milestones = [_from_json(Milestone, data) for data in reference["milestones"]] if program.milestone_set_id else []
    epas = [_from_json(EPA, data) for data in reference["epas"]] if program.epa_set_id else []
    epa_by_id = {epa.pk: epa for epa in epas}
    mappings = defaultdict(dict)  # milestone id → {epa id: weight}
    for data in reference["mappings"]:
        mappings[data["milestone_id"]][data["epa_id"]] = Decimal(data["weight"])
    top = (reference["top"] or 0) if program.epa_set_id else 0
    per_learner = _learners(company_id=company_id, learner_ids=learner_ids, meeting_id=meeting.pk)
    if work_hours:
        violations_by_learner = _violations_of_states(company_id, ids, per_learner, start, min(end, meeting.date))
    rows = _assessments(company_id=company_id, learner_ids=learner_ids, start=start, as_of=as_of)
    for row in rows:
        epa = epa_by_id.get(row["epa_id"])
        if epa is None:  # an EPA outside the program's set
            epa = epa_by_id[row["epa_id"]] = instance_of(EPA, {name: row[f"epa__{name}"] for name in _fields(EPA)})
        first, last = row["assessor__first_name"], row["assessor__last_name"]
        packets[row["learner_id"]].assessments.append(AssessmentRow(
            pk=row["id"], learner_id=row["learner_id"], epa_id=row["epa_id"], epa=epa,
            assessment_date=row["assessment_date"], entrustment_level=row["entrustment_level"],
            narrative_feedback=row["narrative_feedback"], assessor=f"{first} {last}".strip() or row["assessor__email"],
            tag_labels=[f"{tag['name']} ({TAG_TYPES.get(tag['type'], tag['type']).lower()})" for tag in row["tags"]]))
    halves = sorted(_trajectory(company_id=company_id, learner_ids=learner_ids, as_of=as_of),
                    key=lambda row: (row["year"], row["half"]))  # stable: the EPAs' order within a half-year
    for row in halves:
        label = f"{row['year']} {'Jan–Jun' if row['half'] == 1 else 'Jul–Dec'}"
        packets[row["learner_id"]].history.setdefault(row["epa_id"], []).append(
            (label, row["total"] / row["count"], row["count"]))
    current = (meeting.academic_year.start_date, _period_rank(meeting.period))
    for row in per_learner:
        packet = packets[row["id"]]
        for data in row["levels"]:
            level = _level(data)
            if level.academic_year_id == meeting.academic_year_id and level.period == meeting.period:
                packet.current_levels[level.milestone_id] = level
            elif (level.academic_year.start_date, _period_rank(level.period)) < current:
                packet.previous_levels.setdefault(level.milestone_id, []).append(level)
        packet.last_review = _last_review(row["last_review"]) if row["last_review"] else None
        packet.review = _from_json(ResidentReview, row["review"]) if row["review"] else None
    for learner_id, packet in packets.items():
        if violations_by_learner is not None:
            packet.violations_available = True
            packet.violations = list(violations_by_learner.get(learner_id, []))
        _fill(packet, epas, milestones, mappings, top)
    return [packets[pk] for pk in ids]


def _period_rank(period) -> int:
    return 0 if period == Period.MID_YEAR else 1


def _level(data) -> MilestoneAssessment:
    level = _from_json(MilestoneAssessment, data)
    level.academic_year = _from_json(AcademicYear, {"id": data["academic_year_id"],
                                                    "name": data["academic_year__name"],
                                                    "start_date": data["academic_year__start_date"]})
    return level


def _last_review(data) -> ResidentReview:
    review = _from_json(ResidentReview, data)
    review.meeting = _from_json(CCCMeeting, {"id": data["meeting_id"], "period": data["meeting__period"],
                                             "academic_year_id": data["meeting__academic_year_id"]})
    review.meeting.academic_year = _from_json(AcademicYear, {"id": data["meeting__academic_year_id"],
                                                             "name": data["meeting__academic_year__name"]})
    return review


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
        for label in assessment.tag_labels or [NO_TAG]:
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


# ---------------------------------------------------------------- work hours
_hours_states = prepared(lambda company_id, learner_ids: Learner.objects.for_company(company_id)
                         .filter(RawSQL('"academics_learner"."id" = ANY(%s::uuid[])', (learner_ids,),
                                        output_field=BooleanField()))
                         .order_by().values("id", "pgy_level", "program__hours_policy__time_zone",
                                            "compliance_state__id", "compliance_state__stale",
                                            "compliance_state__pgy_level", "compliance_state__time_zone"))
DEFAULT_TIME_ZONE = HoursPolicy._meta.get_field("time_zone").get_default()


def work_hour_violations(*, company_id, learner_ids, start: datetime.date, end: datetime.date) -> dict:
    """{learner id: [violation]} of the work-hours context for ``start``..``end``: the stored
    findings (apps.hours ``ComplianceFinding``, kept current by every write) of each resident
    whose ``ComplianceState`` is fresh (``hours.selectors.is_fresh``), else the rules engine over
    the resident's logged entries, as before the findings were stored. Two queries when all
    residents are fresh or all are not (one packet always), three when mixed. A stored run of
    failing 28-day windows keeps its full extent (as the compliance report shows it)."""
    learner_ids = list(learner_ids)
    states = _hours_states(company_id=company_id, learner_ids=uuid_array(learner_ids))
    return _violations_of_states(company_id, learner_ids, states, start, end)


def _violations_of_states(company_id, learner_ids, states, start, end) -> dict:
    """``work_hour_violations`` of the learners' state rows (``_hours_states``' columns: the
    packets' learner read carries them too)."""
    out = {pk: [] for pk in learner_ids}
    fresh, stale = defaultdict(list), {}  # time zone → ids; id → (time zone, PGY level)
    for row in states:
        tz = ZoneInfo(row["program__hours_policy__time_zone"] or DEFAULT_TIME_ZONE)
        state = None if row["compliance_state__id"] is None else SimpleNamespace(
            stale=row["compliance_state__stale"], pgy_level=row["compliance_state__pgy_level"],
            time_zone=row["compliance_state__time_zone"])
        if hours_selectors.is_fresh(state, SimpleNamespace(pgy_level=row["pgy_level"]), tz):
            fresh[tz].append(row["id"])
        else:
            stale[row["id"]] = (tz, row["pgy_level"])
    for tz, ids in fresh.items():
        out.update(hours_selectors.stored_findings(company_id=company_id, learner_ids=ids, start=start, end=end,
                                                   tz=tz))
    if stale:
        entries = hours_selectors.entries_by_learner(company_id=company_id, learner_ids=list(stale), start=start,
                                                     end=end, epoch=True)
        for pk, (tz, pgy_level) in stale.items():
            out[pk] = hours_rules.check(entries.get(pk, []), start=start, end=end, tz=tz, pgy_level=pgy_level)
    return out
