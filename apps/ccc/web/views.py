"""CCC pages: meetings, the packet screen per resident (the chair records there), packet PDFs
with progress, the EPA→subcompetency mapping, the milestone report and the resident's reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.academics.models import AcademicYear, Program
from apps.audit.access import access_log_record
from apps.ccc import access, jobs, selectors, services
from apps.ccc.models import Period, ResidentReview
from apps.ccc.pdf import report_pdf
from apps.ccc.web.forms import AttendanceForm, CompleteForm, MarkReportedForm, MeetingForm, ReviewForm
from apps.core.access import company_of, tenant_page
from apps.core.downloads import csv_text, download_name
from apps.core.forms import apply_service_errors, uuid_param
from apps.reference.models import EPA


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# ------------------------------------------------------------------ hub
@login_required
@tenant_page
def index(request):
    user = request.user
    company_of(user)
    meetings = list(access.meetings_visible_to(user).select_related("program", "academic_year", "chair")
                    .order_by("-date")[:50])
    programs = list(Program.objects.for_company(user.company_id).filter(pk__in=list(access.managed_program_ids(user))))
    return render(request, "ccc/index.html", {"meetings": meetings, "programs": programs,
                                              "my_reviews": list(selectors.residents_reviews(user=user)[:10])})


# ------------------------------------------------------------------ meetings
@login_required
@tenant_page
def meeting_new(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    form = MeetingForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user, program=program, academic_year=data["academic_year"], period=data["period"],
                date=data["date"], chair=data["chair"], member_ids=[u.pk for u in data["members"]],
                learner_ids=[learner.pk for learner in data["learners"]], submission_key=data["submission_key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Meeting planned.")
            return redirect("ccc:meeting", meeting.pk)
    return render(request, "ccc/meeting_form.html", {"form": form, "program": program}, status=400 if form.errors else 200)


def _meeting_context(request, meeting):
    user = request.user
    members = list(meeting.members.select_related("user"))
    residents = list(meeting.residents.select_related("learner__user"))
    reviewed = set(meeting.reviews.values_list("learner_id", flat=True))
    job = meeting.packet_jobs.defer("pdf").order_by("-created_at").first()
    return {
        "meeting": meeting, "members": members, "residents": residents, "reviewed": reviewed,
        "faculty_count": len(members), "job": job,
        "can_manage": access.can_manage_meeting(user, meeting), "is_chair": access.can_chair_meeting(user, meeting),
        "attendance_form": AttendanceForm(members=members), "complete_form": CompleteForm(),
    }


@login_required
@tenant_page
def meeting_detail(request, meeting_id):
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    return render(request, "ccc/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_start(request, meeting_id):
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    try:
        services.meeting_start(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ccc:meeting", meeting.pk)


@login_required
@require_POST
def meeting_attendance(request, meeting_id):
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    form = AttendanceForm(request.POST, members=list(meeting.members.select_related("user")))
    if not form.is_valid():
        messages.error(request, "Choose among the meeting's members.")
        return redirect("ccc:meeting", meeting.pk)
    try:
        services.meeting_attendance_record(actor=request.user, meeting=meeting,
                                           attended_user_ids=form.cleaned_data["attended"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Attendance recorded.")
    return redirect("ccc:meeting", meeting.pk)


@login_required
@require_POST
def meeting_complete(request, meeting_id):
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    if not access.can_chair_meeting(request.user, meeting):
        raise PermissionDenied
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_complete(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Meeting completed: the reviews are final and residents can read theirs.")
            return redirect("ccc:meeting", meeting.pk)
    context = _meeting_context(request, meeting)
    context["complete_form"] = form
    return render(request, "ccc/meeting.html", context, status=400)


# ------------------------------------------------------------------ the packet screen
@login_required
@tenant_page
def resident(request, meeting_id, learner_id):
    """One resident's packet; the chair records levels and the review on the same screen."""
    user = request.user
    meeting = access.get_meeting_for_user(user, meeting_id)
    learner, order = access.get_meeting_resident_in_order_for_user(user, meeting, learner_id)
    index = order.index(learner.pk)
    packet = selectors.packets_for(meeting=meeting, learners=[learner], work_hours=True)[0]
    milestones = [row["milestone"] for row in packet.rows]
    access_log_record(actor=user, obj_or_queryset=learner, action="view", request=request)
    can_record = access.can_record_reviews(user, meeting)
    form = None
    if can_record:
        form = ReviewForm(request.POST or None, milestones=milestones, initial=_review_initial(packet))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.review_record(
                    actor=user, meeting=meeting, learner=learner, levels=form.levels(), reason=data["reason"],
                    **{name: data[name] for name in ("overall_performance", "promotion_recommendation", "strengths",
                                                     "areas_for_improvement", "remediation", "remediation_plan",
                                                     "follow_up_date", "discussion_notes")})
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Review of {learner.user} saved.")
                if index + 1 < len(order):
                    return redirect("ccc:resident", meeting.pk, order[index + 1])
                return redirect("ccc:meeting", meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    fields = {}
    if form is not None:
        fields = {milestone.pk: (form[level], form[rationale]) for milestone, level, rationale in form.milestone_fields}
    rows = [{**row, "fields": fields.get(row["milestone"].pk)} for row in packet.rows]
    return render(request, "ccc/resident.html", {
        "meeting": meeting, "learner": learner, "packet": packet, "rows": rows, "form": form,
        "position": index + 1, "count": len(order),
        "previous_id": order[index - 1] if index > 0 else None,
        "next_id": order[index + 1] if index + 1 < len(order) else None,
        "is_chair": access.can_chair_meeting(user, meeting), "can_record": can_record,
    }, status=400 if form is not None and form.errors else 200)


def _review_initial(packet) -> dict:
    initial = {}
    review = packet.review
    if review is not None:
        for name in ("overall_performance", "promotion_recommendation", "strengths", "areas_for_improvement",
                     "remediation", "remediation_plan", "follow_up_date", "discussion_notes"):
            initial[name] = getattr(review, name)
    for row in packet.rows:
        milestone, current, suggestion = row["milestone"], row["current"], row["suggestion"]
        if current is not None:
            initial[f"level_{milestone.pk}"] = current.level
            initial[f"rationale_{milestone.pk}"] = current.rationale
        elif suggestion.level:
            initial[f"level_{milestone.pk}"] = suggestion.level
    return initial


# ------------------------------------------------------------------ packet PDFs
@login_required
@require_POST
def packets_start(request, meeting_id):
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    services.packet_job_start(actor=request.user, meeting=meeting)
    return redirect("ccc:meeting", meeting.pk)


@login_required
@tenant_page
def job_status(request, job_id):
    """The job's progress (an htmx fragment the meeting page polls every second until done)."""
    job = access.get_job_for_user(request.user, job_id)
    done = max(job.done, int(cache.get(jobs.progress_key(job.pk)) or 0)) if job.status != job.Status.DONE else job.done
    return render(request, "ccc/job_status.html", {"job": job, "done": done,
                                                   "percent": int(100 * done / job.total) if job.total else 100})


@login_required
def job_download(request, job_id):
    job = access.get_job_for_user(request.user, job_id)
    if job.status != job.Status.DONE or not job.pdf:
        raise Http404("Not ready")
    meeting = access.get_meeting_for_user(request.user, job.meeting_id)
    learners = selectors.meeting_learners(meeting)
    access_log_record(actor=request.user, obj_or_queryset=learners, action="print", request=request)
    return _pdf_response(bytes(job.pdf), download_name(meeting.program.name, "ccc-packets", day=meeting.date))


# ------------------------------------------------------------------ the evidence mapping
@login_required
@tenant_page
def mapping(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    epas = list(EPA.objects.filter(epa_set_id=program.epa_set_id).order_by("display_order", "number")) \
        if program.epa_set_id else []
    milestones = selectors.program_milestones(program)
    current = {(row.epa_id, row.milestone_id): row.weight
               for row in program.ccc_mappings.all()}
    error = None
    if request.method == "POST":
        weights = {(epa.pk, milestone.pk): (request.POST.get(f"w_{epa.pk}_{milestone.pk}") or "").strip() or None
                   for epa in epas for milestone in milestones}
        try:
            count = services.mapping_set(actor=request.user, program=program, weights=weights)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            current = {key: value for key, value in weights.items() if value}
        else:
            messages.success(request, f"Mapping saved: {count} EPA–subcompetency pair(s).")
            return redirect("ccc:mapping", program.pk)
    grid = [{"epa": epa, "cells": [{"milestone": m, "name": f"w_{epa.pk}_{m.pk}", "value": current.get((epa.pk, m.pk), "")}
                                   for m in milestones]} for epa in epas]
    return render(request, "ccc/mapping.html", {"program": program, "milestones": milestones, "grid": grid,
                                                "error": error}, status=400 if error else 200)


# ------------------------------------------------------------------ the milestone report
def _report_args(request, program):
    year_id = uuid_param(request, "year")
    period = request.GET.get("period") or Period.MID_YEAR
    if period not in Period.values:
        raise BadRequest("?period= must be mid_year or year_end")
    years = list(AcademicYear.objects.for_company(program.company_id).filter(program=program).order_by("-start_date"))
    year = next((y for y in years if y.pk == year_id), None) if year_id else \
        next((y for y in years if y.is_current), years[0] if years else None)
    if year_id and year is None:
        raise Http404("No such year")
    return years, year, period


@login_required
@tenant_page
def report(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    years, year, period = _report_args(request, program)
    data = selectors.milestone_report(program=program, academic_year=year, period=period) if year else None
    return render(request, "ccc/report.html", {
        "program": program, "years": years, "year": year, "period": period, "periods": Period.choices,
        "report": data, "mark_form": MarkReportedForm(initial={"academic_year": year.pk if year else None,
                                                                "period": period})})


def _report_rows(data):
    labels = data["labels"]
    for row in data["rows"]:
        learner = row["learner"]
        for milestone, level in zip(data["milestones"], row["cells"]):
            yield [learner.user.last_name, learner.user.first_name, learner.pgy_level, milestone.subcompetency_code,
                   milestone.title, level.level if level else "", labels.get(level.level, "") if level else "",
                   "yes" if level and level.reported_at else ""]


@login_required
def report_csv(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    _, year, period = _report_args(request, program)
    if year is None:
        raise Http404("No academic year")
    data = selectors.milestone_report(program=program, academic_year=year, period=period)
    access_log_record(actor=request.user, obj_or_queryset=[row["learner"] for row in data["rows"]], action="export",
                      request=request)
    header = ["last_name", "first_name", "pgy", "subcompetency", "title", "level", "level_label", "reported"]
    response = HttpResponse(csv_text(header, _report_rows(data)), content_type="text/csv; charset=utf-8")
    name = download_name(program.name, "milestones", year.name, period)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def report_pdf_view(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    _, year, period = _report_args(request, program)
    if year is None:
        raise Http404("No academic year")
    data = selectors.milestone_report(program=program, academic_year=year, period=period)
    access_log_record(actor=request.user, obj_or_queryset=[row["learner"] for row in data["rows"]], action="print",
                      request=request)
    content = report_pdf(program, year, Period(period).label, data)
    return _pdf_response(content, download_name(program.name, "milestones", year.name, period))


@login_required
@require_POST
def report_mark_reported(request, program_id):
    program = access.get_ccc_program_for_user(request.user, program_id)
    form = MarkReportedForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Choose a year and a period")
    year = AcademicYear.objects.for_company(program.company_id).filter(
        program=program, pk=form.cleaned_data["academic_year"]).first()
    if year is None:
        raise Http404("No such year")
    count = services.milestone_levels_mark_reported(actor=request.user, program=program, academic_year=year,
                                                    period=form.cleaned_data["period"])
    messages.success(request, f"{count} level(s) marked reported: changing them now needs a reason.")
    return redirect(f"{reverse('ccc:report', args=[program.pk])}?year={year.pk}&period={form.cleaned_data['period']}")


# ------------------------------------------------------------------ the resident's own reviews
@login_required
@tenant_page
def my_reviews(request):
    return render(request, "ccc/my_reviews.html", {"reviews": list(selectors.residents_reviews(user=request.user))})


@login_required
@tenant_page
def my_review(request, review_id):
    """The resident's finalised review and levels — never the discussion notes or minutes."""
    try:
        review = access.own_finalised_reviews(request.user).select_related(
            "meeting__academic_year", "meeting__program", "learner__user").get(pk=review_id)
    except ResidentReview.DoesNotExist:
        raise Http404("No review here")
    levels = selectors.review_levels(review=review)
    return render(request, "ccc/my_review.html", {"review": review, "levels": levels})

