"""Analytics dashboards: a learner's progress and a program's dashboard, with CSV exports.
Everything program-level reads the materialized views and says when they were refreshed."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from apps.academics.models import Learner, Program
from apps.assessments import analytics_selectors as selectors
from apps.assessments.analytics_charts import bar_chart, trajectory_chart
from apps.assessments.analytics_services import analytics_refreshed_at
from apps.tenants.access import active_memberships, company_of, get_for_company_or_404, has_role

EXPORTS = {
    "volume": ("Month", "Assessments", "Learners assessed", "Faculty active", "Median days case→submission",
               "Useful narratives (≥100 chars)", "Tag uses"),
    "faculty": ("Assessor", "Assessments", "Last 90 days", "Latest", "Median days to submit"),
    "requests": ("Month", "Requests created", "Completed", "Completion rate"),
    "behind": ("Learner", "PGY", "Assessments", "Latest", "PGY median", "Why"),
}


def _get_learner_for_user(request, learner_id) -> Learner:
    """The learner themself, or faculty/coordinator/director of their program; others 404."""
    learner = get_for_company_or_404(Learner.objects.select_related("user", "program"), request.user, pk=learner_id)
    if learner.user_id != request.user.pk and not has_role(request.user, selectors.PROGRAM_VIEWERS,
                                                            program=learner.program):
        raise Http404("No learner here")
    return learner


def _get_program_for_user(request, program_id) -> Program:
    program = get_for_company_or_404(Program.objects.all(), request.user, pk=program_id)
    if not has_role(request.user, selectors.PROGRAM_VIEWERS, program=program):
        raise Http404("No program here")
    return program


@login_required
def analytics_home(request):
    company_of(request.user)
    return render(request, "analytics/home.html", {
        "programs": selectors.programs_for_dashboards(user=request.user,
                                                      memberships=active_memberships(request.user)),
        "learner_records": selectors.learner_records_of(user=request.user),
    })


@login_required
def learner_progress(request, learner_id):
    learner = _get_learner_for_user(request, learner_id)
    progress = selectors.learner_epa_progress(learner=learner)
    points = selectors.learner_assessment_points(learner=learner)
    return render(request, "analytics/learner_progress.html", {
        "learner": learner,
        "progress": progress,
        "chart": trajectory_chart([(day, level) for day, level, _, _ in points], max_level=5,
                                  title=f"Entrustment levels of {learner} over time"),
        "coverage": selectors.learner_coverage_grid(learner=learner, epas=[row["epa"] for row in progress],
                                                    points=points),
        "as_of": analytics_refreshed_at(),
    })


@login_required
def program_dashboard(request, program_id):
    program = _get_program_for_user(request, program_id)
    months = selectors.program_monthly_metrics(program=program)
    return render(request, "analytics/program_dashboard.html", {
        "program": program,
        "months": months,
        "chart": bar_chart([(f"{m.month:%b %y}", m.assessments) for m in months],
                           title=f"Assessments per month, {program}"),
        "faculty": selectors.program_faculty_engagement(program=program),
        "behind": selectors.program_learners_behind(program=program),
        "as_of": analytics_refreshed_at(),
    })


@login_required
def program_export(request, program_id, table):
    program = _get_program_for_user(request, program_id)
    if table not in EXPORTS:
        raise Http404("No such table")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{program.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(EXPORTS[table])
    writer.writerows(_export_rows(program, table))
    return response


def _export_rows(program, table):
    if table == "faculty":
        return [(row.assessor, row.assessments, row.assessments_last_90_days, row.latest_date,
                 row.median_days_to_submit) for row in selectors.program_faculty_engagement(program=program)]
    if table == "behind":
        return [(row["learner"], row["learner"].pgy_level, row["total"], row["latest"], row["pgy_median"],
                 row["reasons"]) for row in selectors.program_learners_behind(program=program)]
    months = selectors.program_monthly_metrics(program=program)
    if table == "requests":
        return [(f"{m.month:%Y-%m}", m.requests_created, m.requests_completed, m.request_completion_rate)
                for m in months]
    return [(f"{m.month:%Y-%m}", m.assessments, m.learners_assessed, m.faculty_active,
             m.median_days_case_to_submission, m.useful_narrative_share, m.tag_uses) for m in months]


@login_required
def framework_floor(request):
    """The cheapest page through the full middleware stack: the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")
