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

from apps.academics.models import Learner, Program, RotationType
from apps.analytics.models import ProgramAssessmentMetrics, ProgramFacultyEngagement, ResidentEPAProgress
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.reference.models import EPA, EntrustmentLevel
from apps.tenants.access import program_ids_with_roles
from apps.tenants.models import User
from apps.tenants.roles import PROGRAM_VIEWERS

BEHIND_AFTER_DAYS = 60
MONTHS_SHOWN = 24


PROGRESS_FIELDS = ("assessment_count", "count_last_90_days", "latest_level", "highest_level", "median_level",
                   "level_trend", "latest_date")


def learner_epa_progress(*, learner: Learner) -> list[dict]:
    """Every EPA of the program's set, plus any other EPA the learner was assessed on, each with
    the learner's progress row from the view (None: never assessed) — in one query."""
    rows = ResidentEPAProgress.objects.for_company(learner.company_id).filter(learner=learner).order_by()
    mine = rows.filter(epa_id=OuterRef("pk"))
    epas = EPA.objects.filter(Q(epa_set_id=learner.program.epa_set_id) | Q(pk__in=rows.values("epa_id"))).annotate(
        **{f"progress_{name}": Subquery(mine.values(name)[:1]) for name in PROGRESS_FIELDS})
    return [{"epa": epa, "progress": _progress_of(epa)} for epa in epas]


def _progress_of(epa):
    if epa.progress_assessment_count is None:
        return None
    return SimpleNamespace(**{name: getattr(epa, f"progress_{name}") for name in PROGRESS_FIELDS})


def learner_assessment_points(*, learner: Learner) -> list[tuple]:
    """(case date, level, EPA id, rotation type id) of each of the learner's live assessments —
    one indexed query feeds both the trajectory chart and the coverage grid."""
    return list(EPAAssessment.objects.for_company(learner.company_id).filter(learner=learner)
                .order_by("assessment_date")
                .values_list("assessment_date", "entrustment_level", "epa_id", "rotation_assignment__rotation_type_id"))


def learner_coverage_grid(*, learner: Learner, epas: list, points: list[tuple]) -> dict:
    """EPA × rotation type → assessment count; a zero where the EPA is primary there is a gap."""
    rotations = list(RotationType.objects.for_company(learner.company_id).filter(program_id=learner.program_id)
                     .annotate(primary_epa_ids=ArrayAgg("primary_epas__id", filter=Q(primary_epas__isnull=False), default=[])))
    counts = Counter((epa_id, rotation_type_id) for _, _, epa_id, rotation_type_id in points)
    primary = {(epa_id, rotation.pk) for rotation in rotations for epa_id in rotation.primary_epa_ids}
    grid = [{"epa": epa, "cells": [{"count": counts.get((epa.pk, rotation.pk), 0),
                                    "primary": (epa.pk, rotation.pk) in primary} for rotation in rotations]}
            for epa in epas]
    return {"rotations": rotations, "rows": grid}


def program_monthly_metrics(*, program: Program) -> list[ProgramAssessmentMetrics]:
    rows = ProgramAssessmentMetrics.objects.for_company(program.company_id).filter(program=program)
    return list(reversed(rows.order_by("-month")[:MONTHS_SHOWN]))


def program_faculty_engagement(*, program: Program) -> list[ProgramFacultyEngagement]:
    return list(ProgramFacultyEngagement.objects.for_company(program.company_id).filter(program=program)
                .select_related("assessor").order_by("-assessments"))


def program_learners_behind(*, program: Program) -> list[dict]:
    """Active learners with no assessment in 60 days, or fewer than the median of their PGY."""
    progress = ResidentEPAProgress.objects.for_company(program.company_id).filter(learner_id=OuterRef("pk"))
    progress = progress.order_by().values("learner_id")
    learners = list(
        Learner.objects.for_company(program.company_id).filter(program=program, status=Learner.Status.ACTIVE)
        .select_related("user")
        .annotate(total=Coalesce(Subquery(progress.annotate(n=Sum("assessment_count")).values("n")), 0),
                  latest=Subquery(progress.annotate(d=Max("latest_date")).values("d")))
    )
    return _flag_behind(learners, today=timezone.localdate())


def _flag_behind(learners, *, today) -> list[dict]:
    by_pgy = {}
    for learner in learners:
        by_pgy.setdefault(learner.pgy_level, []).append(learner.total)
    medians = {pgy: median(totals) for pgy, totals in by_pgy.items()}
    cutoff = today - datetime.timedelta(days=BEHIND_AFTER_DAYS)
    behind = []
    for learner in learners:
        reasons = []
        if learner.latest is None or learner.latest < cutoff:
            reasons.append(f"no assessment in {BEHIND_AFTER_DAYS} days")
        if learner.total < medians[learner.pgy_level]:
            reasons.append(f"below the PGY median ({medians[learner.pgy_level]:g})")
        if reasons:
            behind.append({"learner": learner, "total": learner.total, "latest": learner.latest,
                           "pgy_median": medians[learner.pgy_level], "reasons": "; ".join(reasons)})
    return sorted(behind, key=lambda row: (row["total"], str(row["learner"])))


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
    top = EntrustmentLevel.objects.filter(scale__epa_sets=learner.program.epa_set_id).aggregate(top=Max("number"))
    return top["top"] or 0


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
