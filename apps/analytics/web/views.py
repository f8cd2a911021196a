"""Analytics dashboards: a learner's progress and a program's dashboard, with CSV exports.
Everything program-level reads the materialized views and says when they were refreshed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from apps.academics import selectors as academics_selectors
from apps.academics.access import can_manage_program, get_learner_for_user
from apps.analytics import access, dashboard, selectors, tables
from apps.analytics.charts import trajectory_chart
from apps.analytics.services import analytics_refreshed_at
from apps.analytics.web.forms import PortfolioFilterForm
from apps.audit.access import access_log_record
from apps.core.access import company_of, tenant_page
from apps.core.downloads import download_name, spreadsheet_response

EXPORTS = {
    "volume": ("Month", "Assessments", "Learners assessed", "Faculty active", "Median days case→submission",
               "Useful narratives (≥100 chars)", "Tag uses"),
    "faculty": ("Assessor", "Assessments", "Last 90 days", "Latest", "Median days to submit"),
    "requests": ("Month", "Requests created", "Completed", "Completion rate"),
    "behind": ("Learner", "PGY", "Assessments", "Latest", "PGY median", "Why"),
}


@login_required
@tenant_page
def analytics_home(request):
    company_of(request.user)
    return render(request, "analytics/home.html", {
        "programs": selectors.programs_for_dashboards(user=request.user),
        "learner_records": selectors.learner_records_of(user=request.user),
    })


@login_required
@tenant_page
def my_progress(request):
    """A learner's own progress (the old /assessments/progress/ comes here): their learner record's page."""
    company_of(request.user)
    records = selectors.learner_records_of(user=request.user)
    if not records:
        raise PermissionDenied
    return redirect("analytics_learner_progress", learner_id=records[0].pk)


@login_required
@tenant_page
def learner_progress(request, learner_id):
    learner = access.get_progress_learner_for_user(request.user, learner_id)
    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
    progress = selectors.learner_epa_progress(learner=learner)
    points = selectors.learner_assessment_points(learner=learner)
    return render(request, "analytics/learner_progress.html", {
        "learner": learner,
        "progress": progress,
        "chart": trajectory_chart([(day, level) for day, level, _, _ in points],
                                  max_level=selectors.scale_top_level(learner=learner),
                                  title=f"Entrustment levels of {learner} over time"),
        "coverage": selectors.learner_coverage_grid(learner=learner, epas=[row["epa"] for row in progress],
                                                    points=points),
        "as_of": analytics_refreshed_at(),
    })


@login_required
@tenant_page
def learner_portfolio(request, learner_id):
    """One learner on one page: their assessments (filtered by EPA, rotation, assessor, dates; 25 a
    page), progress per EPA, EPA × rotation coverage, requests and schedule. Who may open it is the
    learner rule every page about a learner uses (``get_learner_for_user``)."""
    learner = get_learner_for_user(request.user, learner_id)
    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
    progress = selectors.learner_epa_progress(learner=learner)
    points = selectors.learner_assessment_points(learner=learner)
    coverage = selectors.learner_coverage_grid(learner=learner, epas=[row["epa"] for row in progress], points=points)
    form = PortfolioFilterForm(request.GET or None, epas=[row["epa"] for row in progress],
                               rotations=coverage["rotations"], assessors=selectors.learner_assessors(learner=learner))
    assessments = selectors.learner_portfolio_assessments(learner=learner, **form.filters())
    page = Paginator(assessments, 25).get_page(request.GET.get("page"))  # COUNT + LIMIT/OFFSET in SQL
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "analytics/learner_portfolio.html", {
        "learner": learner, "form": form, "page": page, "query": query.urlencode(), "progress": progress,
        "coverage": coverage, "requests": selectors.learner_requests(learner=learner),
        "assignments": academics_selectors.assignments_of(learner=learner).order_by("start_date"),
        "can_open_assessments": learner.user_id == request.user.pk or can_manage_program(request.user,
                                                                                          learner.program),
        "as_of": analytics_refreshed_at(),
    })


@login_required
@tenant_page
def program_dashboard(request, program_id):
    """The program's figures from the views: the month sections cached until the next refresh
    (``apps.analytics.dashboard``), who assesses and who falls behind read per request; every
    table's rows written in Python (``apps.analytics.tables``)."""
    program = access.get_dashboard_program_row_for_user(request.user, program_id)
    return render(request, "analytics/program_dashboard.html", {
        "program": program,
        **dashboard.month_sections(program),
        "faculty_rows": mark_safe(tables.faculty_rows(selectors.program_faculty_engagement(program=program))),  # noqa: S308
        "behind_rows": mark_safe(tables.behind_rows(_with_progress_urls(  # noqa: S308 (written escaped by tables)
            selectors.program_learners_behind(program=program)))),
        "as_of": analytics_refreshed_at(),
    })


_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


def _with_progress_urls(rows):
    """Each behind learner's progress link, reversed once per page rather than once per row (issue 19)."""
    url = reverse("analytics_learner_progress", args=[_PLACEHOLDER])
    for row in rows:
        row["progress_url"] = url.replace(_PLACEHOLDER, str(row["learner_id"]))
    return rows


@login_required
@tenant_page
def program_export(request, program_id, table):
    program = access.get_dashboard_program_for_user(request.user, program_id)
    if table not in EXPORTS:
        raise Http404("No such table")
    return spreadsheet_response(name=download_name(program.company.subdomain, program.name, table),
                                header=EXPORTS[table], rows=_export_rows(program, table))


def _export_rows(program, table):
    if table == "faculty":
        return [(row["name"], row["assessments"], row["assessments_last_90_days"], row["latest_date"],
                 row["median_days_to_submit"]) for row in selectors.program_faculty_engagement(program=program)]
    if table == "behind":
        return [(row["name"], row["pgy_level"], row["total"], row["latest"], row["pgy_median"], row["reasons"])
                for row in selectors.program_learners_behind(program=program)]
    months = selectors.program_monthly_metrics(program=program)
    if table == "requests":
        return [(f"{m['month']:%Y-%m}", m["requests_created"], m["requests_completed"], m["request_completion_rate"])
                for m in months]
    return [(f"{m['month']:%Y-%m}", m["assessments"], m["learners_assessed"], m["faculty_active"],
             m["median_days_case_to_submission"], m["useful_narrative_share"], m["tag_uses"]) for m in months]
