"""Reads for the analytics pages. Program-level numbers come from the materialized views
(tenant-scoped with ``for_company``); the per-learner trajectory and coverage grid read the live
assessment table, bounded by one learner's rows and served by the learner index."""

import datetime
from collections import Counter
from statistics import median
from types import SimpleNamespace

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.academics.models import Learner, Program, RotationAssignment, RotationType
from apps.analytics.models import ProgramAssessmentMetrics, ProgramFacultyEngagement, ResidentEPAProgress
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.core.prepared import prepared
from apps.reference.models import EPA, EntrustmentLevel
from apps.tenants.access import program_ids_with_roles
from apps.tenants.models import User
from apps.tenants.roles import PROGRAM_VIEWERS

BEHIND_AFTER_DAYS = 60
MONTHS_SHOWN = 24


PROGRESS_FIELDS = ("assessment_count", "count_last_90_days", "latest_level", "highest_level", "median_level",
                   "level_trend", "latest_date")


def _epa_progress_query(company_id, learner_id, epa_set_id):
    rows = ResidentEPAProgress.objects.for_company(company_id).filter(learner_id=learner_id).order_by()
    mine = rows.filter(epa_id=OuterRef("pk"))
    return (EPA.objects.filter(Q(epa_set_id=epa_set_id) | Q(pk__in=rows.values("epa_id")))
            .annotate(**{f"progress_{name}": Subquery(mine.values(name)[:1]) for name in PROGRESS_FIELDS})
            .values("id", "epa_set_id", "number", "short_name", *(f"progress_{name}" for name in PROGRESS_FIELDS)))


# The progress page's reads, prepared (apps.core.prepared): their SQL — seven subqueries, an
# ArrayAgg — cost more to compile than PostgreSQL spends answering, and is the same every time.
_epa_progress = prepared(_epa_progress_query)


def _points_query(company_id, learner_id):
    """The learner's assessments with each one's rotation type read by its assignment's primary key
    (a subquery per row): a join let the planner hash every rotation assignment of the company —
    2,080 rows at S, 1.6 of the read's 2 ms, and more with every learner the company adds."""
    rotation_type = (RotationAssignment.objects.for_company(company_id).filter(pk=OuterRef("rotation_assignment_id"))
                     .order_by().values("rotation_type_id")[:1])
    return (EPAAssessment.objects.for_company(company_id).filter(learner_id=learner_id).order_by("assessment_date")
            .annotate(rotation_type_id=Subquery(rotation_type))
            .values("assessment_date", "entrustment_level", "epa_id", "rotation_type_id"))


_points = prepared(_points_query)
_rotations = prepared(lambda company_id, program_id: RotationType.objects.for_company(company_id)
                      .filter(program_id=program_id)
                      .annotate(primary_epa_ids=ArrayAgg("primary_epas__id", filter=Q(primary_epas__isnull=False),
                                                         default=[]))
                      .values("id", "code", "name", "primary_epa_ids"))
_scale_top = prepared(lambda epa_set_id: EntrustmentLevel.objects.filter(scale__epa_sets=epa_set_id)
                      .order_by("-number").values("number")[:1])


def learner_epa_progress(*, learner: Learner) -> list[dict]:
    """Every EPA of the program's set, plus any other EPA the learner was assessed on, each with
    the learner's progress row from the view (None: never assessed) — in one query. The EPAs are
    instances holding the fields the pages show (id, set, number, short name)."""
    epa_set_id = learner.program.epa_set_id
    rows = _epa_progress(company_id=learner.company_id, learner_id=learner.pk,
                         epa_set_id=epa_set_id)
    return [{"epa": EPA(id=row["id"], epa_set_id=row["epa_set_id"], number=row["number"],
                        short_name=row["short_name"]),
             "progress": _progress_of(row)} for row in rows]


def _progress_of(row):
    if row["progress_assessment_count"] is None:
        return None
    return SimpleNamespace(**{name: row[f"progress_{name}"] for name in PROGRESS_FIELDS})


def learner_assessment_points(*, learner: Learner) -> list[tuple]:
    """(case date, level, EPA id, rotation type id) of each of the learner's live assessments —
    one indexed query feeds both the trajectory chart and the coverage grid."""
    return [(row["assessment_date"], row["entrustment_level"], row["epa_id"], row["rotation_type_id"])
            for row in _points(company_id=learner.company_id, learner_id=learner.pk)]


def learner_coverage_grid(*, learner: Learner, epas: list, points: list[tuple]) -> dict:
    """EPA × rotation type → assessment count; a zero where the EPA is primary there is a gap.
    The rotations are rows (``id``, ``code``, ``name``, ``primary_epa_ids``)."""
    rotations = _rotations(company_id=learner.company_id, program_id=learner.program_id)
    counts = Counter((epa_id, rotation_type_id) for _, _, epa_id, rotation_type_id in points)
    primary = {(epa_id, rotation["id"]) for rotation in rotations for epa_id in rotation["primary_epa_ids"]}
    rotation_ids = [rotation["id"] for rotation in rotations]
    grid = [{"epa": epa, "cells": [{"count": counts.get((epa.pk, rotation_id), 0),
                                    "primary": (epa.pk, rotation_id) in primary} for rotation_id in rotation_ids]}
            for epa in epas]
    return {"rotations": rotations, "rows": grid}


MONTH_FIELDS = ("month", "assessments", "learners_assessed", "faculty_active", "median_days_case_to_submission",
                "useful_narrative_share", "tag_uses", "requests_created", "requests_completed",
                "request_completion_rate")

# The dashboard's reads, prepared (apps.core.prepared): compiled once per process, rows as dicts.
_months = prepared(lambda company_id, program_id: ProgramAssessmentMetrics.objects.for_company(company_id)
                   .filter(program_id=program_id).order_by("-month").values(*MONTH_FIELDS)[:MONTHS_SHOWN])
_faculty = prepared(lambda company_id, program_id: ProgramFacultyEngagement.objects.for_company(company_id)
                    .filter(program_id=program_id).order_by("-assessments")
                    .values("assessor_id", "assessor__first_name", "assessor__last_name", "assessor__email",
                            "assessments", "assessments_last_90_days", "latest_date", "median_days_to_submit"))


def _behind_query(company_id, program_id):
    progress = ResidentEPAProgress.objects.for_company(company_id).filter(learner_id=OuterRef("pk"))
    progress = progress.order_by().values("learner_id")
    return (Learner.objects.for_company(company_id).filter(program_id=program_id, status=Learner.Status.ACTIVE)
            .annotate(total=Coalesce(Subquery(progress.annotate(n=Sum("assessment_count")).values("n")), 0),
                      latest=Subquery(progress.annotate(d=Max("latest_date")).values("d")))
            .values("id", "pgy_level", "user__first_name", "user__last_name", "user__email", "total", "latest"))


_learner_totals = prepared(_behind_query)


def _user_name(first_name, last_name, email) -> str:
    """``str(user)`` from a row's columns: the full name, else the e-mail (``User.__str__``)."""
    return f"{first_name} {last_name}".strip() or email


def program_monthly_metrics(*, program: Program) -> list[dict]:
    """The program's last 24 months (oldest first), each a row of ``MONTH_FIELDS``."""
    return list(reversed(_months(company_id=program.company_id, program_id=program.pk)))


def program_faculty_engagement(*, program: Program) -> list[dict]:
    """Who assesses in the program, most assessments first: rows with the assessor's ``name``."""
    return [{"assessor_id": row["assessor_id"],
             "name": _user_name(row["assessor__first_name"], row["assessor__last_name"], row["assessor__email"]),
             "assessments": row["assessments"], "assessments_last_90_days": row["assessments_last_90_days"],
             "latest_date": row["latest_date"], "median_days_to_submit": row["median_days_to_submit"]}
            for row in _faculty(company_id=program.company_id, program_id=program.pk)]


def program_learners_behind(*, program: Program) -> list[dict]:
    """Active learners with no assessment in 60 days, or fewer than the median of their PGY:
    rows with the learner's ``learner_id``, ``name`` and ``pgy_level``."""
    learners = [{"learner_id": row["id"], "pgy_level": row["pgy_level"], "total": row["total"], "latest": row["latest"],
                 "name": _user_name(row["user__first_name"], row["user__last_name"], row["user__email"])}
                for row in _learner_totals(company_id=program.company_id, program_id=program.pk)]
    return _flag_behind(learners, today=timezone.localdate())


def _flag_behind(learners, *, today) -> list[dict]:
    by_pgy = {}
    for learner in learners:
        by_pgy.setdefault(learner["pgy_level"], []).append(learner["total"])
    medians = {pgy: median(totals) for pgy, totals in by_pgy.items()}
    cutoff = today - datetime.timedelta(days=BEHIND_AFTER_DAYS)
    behind = []
    for learner in learners:
        reasons = []
        pgy_median = medians[learner["pgy_level"]]
        if learner["latest"] is None or learner["latest"] < cutoff:
            reasons.append(f"no assessment in {BEHIND_AFTER_DAYS} days")
        if learner["total"] < pgy_median:
            reasons.append(f"below the PGY median ({pgy_median:g})")
        if reasons:
            behind.append({**learner, "pgy_median": pgy_median, "reasons": "; ".join(reasons)})
    return sorted(behind, key=lambda row: (row["total"], row["name"]))


def programs_for_dashboards(*, user) -> list[Program]:
    """Programs whose dashboard the user may open (faculty/coordinator/director there)."""
    program_ids = program_ids_with_roles(user, PROGRAM_VIEWERS)
    if not program_ids:
        return []
    return list(Program.objects.for_company(user.company_id).filter(pk__in=program_ids))


def scale_top_level(*, learner: Learner) -> int:
    """The highest level of the learner's program's entrustment scale (the chart's y axis):
    levels follow the EPA set's scale, never a fixed 1–5."""
    if learner.program.epa_set_id is None:
        return 0
    carried = getattr(learner.program, "entrustment_scale_top", None)  # read with the progress page's learner
    if carried is not None:
        return carried
    rows = _scale_top(epa_set_id=learner.program.epa_set_id)
    return (rows[0]["number"] if rows else 0) or 0


def learner_records_of(*, user) -> list[Learner]:
    return list(Learner.objects.for_company(user.company_id).filter(user=user).select_related("program"))


# ---------------------------------------------------------------- one learner's portfolio
def learner_portfolio_assessments(*, learner: Learner, epa_id=None, rotation_type_id=None, assessor_id=None,
                                  date_from=None, date_to=None):
    """The learner's live assessments, newest first, filtered; a queryset the page slices in SQL."""
    assessments = (EPAAssessment.objects.for_company(learner.company_id).filter(learner=learner)
                   .select_related("epa", "assessor", "rotation_assignment__rotation_type", "site"))
    if epa_id:
        assessments = assessments.filter(epa_id=epa_id)
    if rotation_type_id:
        assessments = assessments.filter(rotation_assignment__rotation_type_id=rotation_type_id)
    if assessor_id:
        assessments = assessments.filter(assessor_id=assessor_id)
    if date_from:
        assessments = assessments.filter(assessment_date__gte=date_from)
    if date_to:
        assessments = assessments.filter(assessment_date__lte=date_to)
    return assessments.order_by("-assessment_date", "-submitted_at", "pk")


def learner_assessors(*, learner: Learner) -> list:
    """Everyone who has assessed the learner (the assessor filter's choices): one query."""
    ids = EPAAssessment.objects.for_company(learner.company_id).filter(learner=learner).values("assessor_id")
    return list(User.objects.for_company(learner.company_id).filter(pk__in=ids).order_by("last_name", "first_name"))


PORTFOLIO_REQUESTS = 20


def learner_requests(*, learner: Learner) -> list[AssessmentRequest]:
    """The learner's latest assessment requests (any status)."""
    return list(AssessmentRequest.objects.for_company(learner.company_id).filter(learner=learner)
                .select_related("assessor", "epa").order_by("-created_at")[:PORTFOLIO_REQUESTS])
