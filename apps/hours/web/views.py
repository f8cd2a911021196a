"""Pages of clinical hours: the student's clock and records, the preceptor's approvals, the
resident's week grid, the coordinator's progress report, call roster and compliance report.
Thin: access helpers fetch, services write, selectors read."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from apps.academics.access import get_program_for_user, get_program_row_for_user
from apps.academics.models import Learner, Program
from apps.audit.access import access_log_record
from apps.core.access import company_of
from apps.core.downloads import download_name, spreadsheet_response
from apps.core.forms import apply_service_errors
from apps.hours import access, rules, selectors, services
from apps.hours.models import KIND_LABELS, PlannedShift, TimeRecord
from apps.hours.web import forms as f


def _vary_on_htmx(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _client(request):
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")


def _own_learner(request, kind):
    """The signed-in person's learner record of ``kind`` (?learner= picks one of several)."""
    learners = [lr for lr in access.own_learners(request.user) if lr.kind == kind]
    wanted = request.GET.get("learner")
    if wanted:
        learners = [lr for lr in learners if str(lr.pk) == wanted]
    if not learners:
        raise Http404(f"You are not a {kind} here")
    return learners[0]


def _today(program):
    return timezone.localtime(timezone.now(), selectors.program_time_zone(program)).date()


# ---------------------------------------------------------------- home
@login_required
def home(request):
    company_of(request.user)
    own = list(access.own_learners(request.user))
    managed = access.managed_program_ids(request.user)
    programs = list(Program.objects.for_company(request.user.company_id).filter(pk__in=managed))
    return render(request, "hours/home.html", {
        "students": [lr for lr in own if lr.kind == Learner.Kind.STUDENT],
        "residents": [lr for lr in own if lr.kind == Learner.Kind.RESIDENT],
        "programs": programs,
        "to_review": selectors.approval_queue(user=request.user, status=TimeRecord.Status.PENDING).count(),
    })


# ---------------------------------------------------------------- students: clock and records
@login_required
def clock(request):
    learner = _own_learner(request, Learner.Kind.STUDENT)
    today = _today(learner.program)
    tz = selectors.program_time_zone(learner.program)
    assignment = services.current_assignment(learner, today)
    open_record = learner.time_records.filter(status=TimeRecord.Status.OPEN).select_related("site").first()
    with timezone.override(tz):
        return render(request, "hours/clock.html", {
            "learner": learner, "assignment": assignment, "open_record": open_record,
            "clock_in_form": f.ClockInForm(initial={"key": f.new_key()}), "clock_out_form": f.ClockOutForm(),
            "recent": learner.time_records.select_related("site").order_by("-clock_in")[:5],
            "progress": selectors.student_progress(learners=[learner], today=today)[:1],
        })


@login_required
@require_POST
def clock_in(request):
    learner = _own_learner(request, Learner.Kind.STUDENT)
    form = f.ClockInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ip, agent = _client(request)
        try:
            services.time_record_clock_in(actor=request.user, learner=learner, latitude=data["latitude"],
                                          longitude=data["longitude"], accuracy=data["accuracy"], ip=ip,
                                          user_agent=agent, reason=data["reason"], key=data["key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Clocked in.")
            return redirect("hours:clock")
    tz = selectors.program_time_zone(learner.program)
    with timezone.override(tz):
        return render(request, "hours/clock.html", {
            "learner": learner, "assignment": services.current_assignment(learner, _today(learner.program)),
            "clock_in_form": form, "needs_reason": "reason" in form.errors, "recent": [],
        }, status=200)


@login_required
@require_POST
def clock_out(request):
    learner = _own_learner(request, Learner.Kind.STUDENT)
    record = learner.time_records.filter(status=TimeRecord.Status.OPEN).select_related(
        "learner__user", "site", "assignment").first()
    form = f.ClockOutForm(request.POST)
    if record is None:
        messages.info(request, "You are not clocked in.")
        return redirect("hours:clock")
    if form.is_valid():
        ip, agent = _client(request)
        data = form.cleaned_data
        record = services.time_record_clock_out(actor=request.user, record=record, latitude=data["latitude"],
                                                longitude=data["longitude"], accuracy=data["accuracy"], ip=ip,
                                                user_agent=agent)
        messages.success(request, f"Clocked out: {record.total_hours} hours, waiting for approval.")
    else:
        messages.error(request, "The location sent was not valid; try again.")
    return redirect("hours:clock")


@login_required
def records(request):
    learner = _own_learner(request, Learner.Kind.STUDENT)
    with timezone.override(selectors.program_time_zone(learner.program)):
        return render(request, "hours/records.html", {
            "learner": learner,
            "records": learner.time_records.select_related("site", "assignment__rotation_type").order_by(
                "-clock_in")[:200],
            "progress": selectors.student_progress(learners=[learner], today=_today(learner.program)),
        })


@login_required
def record_new(request):
    learner = _own_learner(request, Learner.Kind.STUDENT)
    form = f.ManualRecordForm(request.POST or None, initial={"key": f.new_key(), "day": _today(learner.program)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.time_record_create_manual(actor=request.user, learner=learner, day=data["day"],
                                               start=data["start"], end=data["end"], activity=data["activity"],
                                               notes=data["notes"], key=data["key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Time record added; it waits for approval.")
            return redirect("hours:records")
    return render(request, "hours/record_new.html", {"form": form, "learner": learner})


@login_required
def record_detail(request, record_id):
    record = access.get_time_record_for_user(request.user, record_id)
    form = f.RespondForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.time_record_respond(actor=request.user, record=record, notes=form.cleaned_data["notes"])
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                raise
            else:
                messages.success(request, "Answer sent; the record waits for approval again.")
                return redirect("hours:record_detail", record_id=record.pk)
    can_decide = access.can_decide_time_record(request.user, record)
    with timezone.override(selectors.program_time_zone(record.learner.program)):
        return render(request, "hours/record_detail.html", {
            "record": record, "form": form, "can_decide": can_decide,
            "decide_form": f.DecideForm(queryset=TimeRecord.objects.none()) if can_decide else None,
            "is_own": record.learner.user_id == request.user.pk,
        })


# ---------------------------------------------------------------- preceptors: approvals
@login_required
def approvals(request):
    company_of(request.user)
    status = request.GET.get("status") or TimeRecord.Status.PENDING
    if status not in TimeRecord.Status.values:
        status = TimeRecord.Status.PENDING
    queue = selectors.approval_queue(user=request.user, status=status)[:200]
    return render(request, "hours/approvals.html", {
        "records": queue, "status": status, "statuses": TimeRecord.Status.choices,
        "form": f.DecideForm(queryset=TimeRecord.objects.none()),
    })


@login_required
@require_POST
def approvals_decide(request):
    company_of(request.user)
    form = f.DecideForm(request.POST, queryset=selectors.approval_queue(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.time_records_decide(actor=request.user, records=list(data["records"]),
                                                   decision=data["decision"], note=data["note"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{len(decided)} record{'s' if len(decided) != 1 else ''} "
                                      f"{dict(TimeRecord.Status.choices)[data['decision']].lower()}.")
            if request.POST.get("next") == "detail" and len(decided) == 1:
                return redirect("hours:record_detail", record_id=decided[0].pk)
            return redirect("hours:approvals")
    queue = selectors.approval_queue(user=request.user, status=TimeRecord.Status.PENDING)[:200]
    return render(request, "hours/approvals.html", {"records": queue, "status": TimeRecord.Status.PENDING,
                                                    "statuses": TimeRecord.Status.choices, "form": form})


# ---------------------------------------------------------------- residents: the week grid
def _week_param(request, today):
    raw = request.GET.get("week")
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    if not _in_range(day):
        day = today
    return services.week_start_of(day)


def _in_range(day) -> bool:
    """Dates the pages accept (2000–2100): nothing outside can overflow the window arithmetic."""
    return dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31)


@login_required
def week(request):
    learner = _own_learner(request, Learner.Kind.RESIDENT)
    today = _today(learner.program)
    week_start = _week_param(request, today)
    days, projection = selectors.week_grid(learner=learner, week_start=week_start, today=today)
    with timezone.override(selectors.program_time_zone(learner.program)):
        return render(request, "hours/week.html", {
            "learner": learner, "days": days, "projection": projection, "week_start": week_start,
            "previous": week_start - dt.timedelta(days=7), "next": week_start + dt.timedelta(days=7),
            "locked": services.is_week_locked(learner, week_start, today=today), "today": today,
            "total": sum(d.hours for d in days), "kinds": KIND_LABELS,
        })


@login_required
@require_POST
def week_confirm(request):
    learner = _own_learner(request, Learner.Kind.RESIDENT)
    week_start = _week_param(request, _today(learner.program))
    days, _ = selectors.week_grid(learner=learner, week_start=week_start)
    items = [item for day in days if not day.entries for item in day.plan]
    try:
        created = services.work_week_confirm(actor=request.user, learner=learner, plan_items=items)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{len(created)} planned shift{'s' if len(created) != 1 else ''} logged as worked.")
    return redirect(f"/hours/week/?week={week_start:%Y-%m-%d}")


@login_required
def entry_new(request):
    learner = _own_learner(request, Learner.Kind.RESIDENT)
    tz = selectors.program_time_zone(learner.program)
    with timezone.override(tz):
        form = f.WorkEntryForm(request.POST or None, initial={"key": f.new_key()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.work_entry_create(actor=request.user, learner=learner, kind=data["kind"],
                                                   start=data["start"], end=data["end"], notes=data["notes"],
                                                   key=data["key"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Logged.")
                return redirect(f"/hours/week/?week={services.week_start_of(timezone.localtime(entry.start).date())}")
        return render(request, "hours/entry_form.html", {"form": form, "learner": learner})


@login_required
def entry_edit(request, entry_id):
    entry = access.get_work_entry_for_user(request.user, entry_id, edit=True)
    tz = selectors.program_time_zone(entry.learner.program)
    with timezone.override(tz):
        initial = {"kind": entry.kind, "start": timezone.localtime(entry.start).replace(tzinfo=None),
                   "end": timezone.localtime(entry.end).replace(tzinfo=None), "notes": entry.notes}
        form = f.WorkEntryForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.work_entry_update(actor=request.user, entry=entry, kind=data["kind"], start=data["start"],
                                           end=data["end"], notes=data["notes"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Entry saved.")
                return redirect(f"/hours/week/?week={services.week_start_of(timezone.localtime(entry.start).date())}")
        return render(request, "hours/entry_form.html", {"form": form, "entry": entry, "learner": entry.learner})


@login_required
@require_POST
def entry_delete(request, entry_id):
    entry = access.get_work_entry_for_user(request.user, entry_id, edit=True)
    tz = selectors.program_time_zone(entry.learner.program)
    week_start = services.week_start_of(timezone.localtime(entry.start, tz).date())
    try:
        services.work_entry_delete(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Entry deleted.")
    return redirect(f"/hours/week/?week={week_start:%Y-%m-%d}")


# ---------------------------------------------------------------- coordinators
def _program(request, program_id):
    program = get_program_for_user(request.user, program_id)
    if not access.can_manage_hours(request.user, program):
        raise PermissionDenied
    return program


@login_required
def program_progress(request, program_id):
    program = _program(request, program_id)
    rows = selectors.program_progress(program=program, today=_today(program),
                                      behind_only=request.GET.get("behind") == "1")
    return render(request, "hours/progress.html", {"program": program, "rows": rows,
                                                   "behind_only": request.GET.get("behind") == "1"})


def _residents(program):
    return Learner.objects.for_company(program.company_id).filter(
        program=program, kind=Learner.Kind.RESIDENT).select_related("user").order_by("user__last_name")


def _shift_from(form, tz):
    data = form.cleaned_data
    if not _in_range(data["day"]):
        raise ValidationError({"day": "Choose a day between 2000 and 2100."})
    start = dt.datetime.combine(data["day"], data["start"], tzinfo=tz)
    return start, start + dt.timedelta(hours=float(data["hours"]))


@login_required
def roster(request, program_id):
    program = _program(request, program_id)
    tz = selectors.program_time_zone(program)
    today = _today(program)
    form = f.PlannedShiftForm(request.POST or None, residents=_residents(program),
                              initial={"day": today + dt.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        try:
            start, end = _shift_from(form, tz)
            services.planned_shift_create(actor=request.user, learner=form.cleaned_data["learner"],
                                          kind=form.cleaned_data["kind"], start=start, end=end)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Added to the roster.")
            return redirect("hours:roster", program_id=program.pk)
    shifts = (PlannedShift.objects.for_company(program.company_id)
              .filter(learner__program=program, end__gte=dt.datetime.combine(today, dt.time(), tzinfo=tz))
              .select_related("learner__user").order_by("start")[:300])
    with timezone.override(tz):
        return render(request, "hours/roster.html", {"program": program, "form": form, "shifts": shifts})


@login_required
@require_POST
def roster_preview(request, program_id):
    """htmx: the violations the shift being added would project for that resident (logged hours
    plus the plan plus this shift), with rule and dates, before anything is saved."""
    program = _program(request, program_id)
    tz = selectors.program_time_zone(program)
    form = f.PlannedShiftForm(request.POST, residents=_residents(program))
    context = {"program": program, "ready": False}
    if form.is_valid() and _in_range(form.cleaned_data["day"]):
        learner = form.cleaned_data["learner"]
        learner.program = program
        start, end = _shift_from(form, tz)
        day = start.astimezone(tz).date()
        period = (day - dt.timedelta(days=rules.WINDOW_DAYS), day + dt.timedelta(days=rules.WINDOW_DAYS))
        before = selectors.projected_violations(learner=learner, start=period[0], end=period[1])
        after = selectors.projected_violations(learner=learner, start=period[0], end=period[1],
                                               extra=[rules.Entry(start, end, form.cleaned_data["kind"])])
        known = {(v.rule, v.start) for v in before}
        context.update(ready=True, learner=learner, new=[v for v in after if (v.rule, v.start) not in known],
                       existing=before)
    with timezone.override(tz):
        response = render(request, "hours/_projection.html", context)
    return _vary_on_htmx(response)


@login_required
@require_POST
def roster_delete(request, program_id, shift_id):
    program = _program(request, program_id)
    shift = access.get_planned_shift_for_user(request.user, shift_id)
    if shift.learner.program_id != program.pk:
        raise Http404("Not in this program")
    services.planned_shift_delete(actor=request.user, shift=shift)
    messages.success(request, "Removed from the roster.")
    return redirect("hours:roster", program_id=program.pk)


def _period(request, tz):
    """The report's period from ``?start=&end=`` (default: the last 90 days to today in ``tz``)."""
    form = f.PeriodForm(request.GET or None)
    today = timezone.localtime(timezone.now(), tz).date()
    start, end = today - dt.timedelta(days=90), today
    if form.is_valid():
        start, end = form.cleaned_data.get("start") or start, form.cleaned_data.get("end") or end
        if end < start or (end - start).days > 400 or not (_in_range(start) and _in_range(end)):
            start, end = today - dt.timedelta(days=90), today
    return form, start, end


def _report_program(request, program_id):
    """The program of a compliance report (404 outside, 403 without managing its hours) and its
    time zone: one prepared read of the program with its policy's time zone."""
    program, row = get_program_row_for_user(request.user, program_id, also=("hours_policy__time_zone",))
    if not access.can_manage_hours(request.user, program):
        raise PermissionDenied
    return program, selectors.time_zone_named(row["hours_policy__time_zone"])


@login_required
def compliance(request, program_id):
    program, tz = _report_program(request, program_id)
    form, start, end = _period(request, tz)
    report = selectors.compliance_report(program=program, start=start, end=end, tz=tz)
    rows, summaries, trend = report
    rule = request.GET.get("rule")
    if rule in rules.RULES:
        rows = [r for r in rows if r.violation.rule == rule]
    with timezone.override(tz):
        return render(request, "hours/compliance.html", {
            "program": program, "form": form, "start": start, "end": end, "rows": rows, "summaries": summaries,
            "start_iso": start.isoformat(), "end_iso": end.isoformat(),  # the |date:"Y-m-d" of 17 links, once
            "trend": trend, "codes": [r for r in rules.RULES if r not in rules.WARNINGS], "rule": rule,
            "legend": list(rules.RULE_LABELS.items()), "computed_at": report.computed_at, "pending": report.pending,
        })


@login_required
def compliance_export(request, program_id):
    program, tz = _report_program(request, program_id)
    _, start, end = _period(request, tz)
    report = selectors.compliance_report(program=program, start=start, end=end, tz=tz)
    header = ["resident", "pgy", "rule", "kind", "start", "end", "hours", "detail", "rotation", "note"]
    # a resident being recomputed is a row saying so, not an absence that reads as "compliant"
    data = [[str(lr), lr.pgy_level, "", "pending", "", "", "", "being recomputed", "", ""] for lr in report.pending]
    data += [[str(r.learner), r.learner.pgy_level, r.violation.rule, "warning" if r.violation.is_warning else "violation",
             timezone.localtime(r.violation.start, tz).isoformat(), timezone.localtime(r.violation.end, tz).isoformat(),
             r.violation.hours if r.violation.hours is not None else "", r.violation.detail, r.rotation,
             r.note] for r in report.rows]
    return spreadsheet_response(name=download_name(company_of(request.user).subdomain, program.name, "work-hours"),
                                header=header, rows=data)


@login_required
def compliance_learner(request, program_id, learner_id):
    """Drill-down: one resident's entries and violations in the period, with notes and unlocks."""
    program = _program(request, program_id)
    learner = access.get_learner_for_user(request.user, learner_id, manage=True)
    if learner.program_id != program.pk:
        raise Http404("Not in this program")
    tz = selectors.program_time_zone(program)
    form, start, end = _period(request, tz)
    note_form = f.ComplianceNoteForm(request.POST or None)
    if request.method == "POST" and note_form.is_valid():
        data = note_form.cleaned_data
        try:
            services.compliance_note_save(actor=request.user, learner=learner, rule=data["rule"],
                                          starts_on=data["starts_on"], text=data["text"])
        except ValidationError as error:
            apply_service_errors(note_form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect(request.get_full_path())
    fresh, computed_at, violations = selectors.learner_findings(learner=learner, start=start, end=end)
    entries = list(learner.work_entries.filter(
        start__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
        end__gt=dt.datetime.combine(start, dt.time(), tzinfo=tz)).order_by("start"))
    notes = {(n.rule, n.starts_on): n for n in learner.compliance_notes.all()}
    access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
    with timezone.override(tz):
        rows = [(v, notes.get((v.rule, timezone.localtime(v.start).date())), timezone.localtime(v.start).date(),
                 [e for e in entries if e.start < v.end and e.end > v.start]) for v in violations]
        return render(request, "hours/compliance_learner.html", {
            "program": program, "learner": learner, "form": form, "start": start, "end": end, "rows": rows,
            "entries": entries, "unlock_form": f.UnlockForm(), "note_form": note_form, "kinds": KIND_LABELS,
            "fresh": fresh, "computed_at": computed_at,
        })


@login_required
@require_POST
def week_unlock(request, program_id, learner_id):
    program = _program(request, program_id)
    learner = access.get_learner_for_user(request.user, learner_id, manage=True)
    if learner.program_id != program.pk:
        raise Http404("Not in this program")
    form = f.UnlockForm(request.POST)
    if form.is_valid():
        try:
            services.week_unlock(actor=request.user, learner=learner, week_start=form.cleaned_data["week_start"],
                                 reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Week of {form.cleaned_data['week_start']} unlocked for {learner}.")
    else:
        messages.error(request, "Give the Monday of the week to unlock.")
    return redirect("hours:compliance_learner", program_id=program.pk, learner_id=learner.pk)


@login_required
def policy(request, program_id):
    program = _program(request, program_id)
    current = services.policy_of(program)
    form = f.PolicyForm(request.POST or None, initial={name: getattr(current, name) for name in f.PolicyForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_policy_update(actor=request.user, program=program, data=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Hours policy saved.")
            return redirect("hours:policy", program_id=program.pk)
    return render(request, "hours/policy.html", {"program": program, "form": form})
