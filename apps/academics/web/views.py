import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from apps.academics import access, ical, imports, selectors, services
from apps.academics.models import Block, CalendarFeed, Learner
from apps.academics.web.forms import (
    AcademicYearForm,
    BlockGenerateForm,
    CellForm,
    FacultyDetailsForm,
    ImportForm,
    LearnerEditForm,
    MembershipEndForm,
    PersonAddForm,
    PersonNameForm,
    PromotionForm,
    RosterFilterForm,
)
from apps.audit.access import access_log_record
from apps.core import rls
from apps.core.access import company_of, get_for_company_or_404
from apps.core.downloads import download_name, spreadsheet_response
from apps.core.forms import apply_service_errors
from apps.core.scoping import unscoped
from apps.core.templatetags.form_field import field_html

IMPORT_SESSION_KEY = "academics_import"


def _vary_on_htmx(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---------------------------------------------------------------- programs and roster
@login_required
def program_list(request):
    company_of(request.user)
    return render(request, "academics/program_list.html",
                  {"programs": selectors.programs_for_user(user=request.user)})


@login_required
def program_detail(request, program_id):
    program = access.get_program_for_user(request.user, program_id)
    faculty = program.faculty.filter(user=request.user).first()
    return render(request, "academics/program_detail.html", {
        "program": program, "can_manage": access.can_manage_program(request.user, program),
        "years": selectors.years_of(program=program),
        "supervised": selectors.assignments_supervised_by(faculty=faculty) if faculty else None,
        "own": program.learners.filter(user=request.user).first(),
    })


@login_required
def roster(request, program_id):
    program, _row = access.get_program_row_for_user(request.user, program_id, manage=True)
    form = RosterFilterForm(request.GET) if request.GET else None  # none to build for the plain visit
    filters = form.cleaned_data if form is not None and form.is_valid() else {}
    people = selectors.roster_values(program=program, q=filters.get("q", ""), role=filters.get("role", ""),
                                     pgy=filters.get("pgy"), status=filters.get("status", ""),
                                     track=filters.get("track", ""), sort=filters.get("sort") or "name")
    page = Paginator(people, selectors.ROSTER_PAGE).get_page(request.GET.get("page"))  # COUNT, LIMIT/OFFSET in SQL
    query = request.GET.copy()
    query.pop("page", None)
    context = {"program": program, "page": page, "query": query.urlencode(),
               "search_note": form.search_note if form is not None else ""}
    if request.htmx:
        return _vary_on_htmx(render(request, "academics/_roster_table.html", context))
    return _vary_on_htmx(render(request, "academics/roster.html", {**context, "form_html": _filter_form_html(form)}))


_blank_filter_form_html = {}  # language → HTML: the blank filter form is the same for every program


def _filter_form_html(form) -> str:
    """The filter form's fields (``{% form_field %}`` each). Blank (no query string, the usual
    visit) it depends on nothing but the language, so it is written once per process."""
    if form is not None:
        return mark_safe("".join(field_html(field) for field in form))
    language = get_language()
    html = _blank_filter_form_html.get(language)
    if html is None:
        html = _blank_filter_form_html[language] = mark_safe("".join(field_html(f) for f in RosterFilterForm()))
    return html


@login_required
def person_add(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    form = PersonAddForm(request.POST or None, initial={"key": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.program_person_add(
                actor=request.user, program=program, email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], roles=data["roles"], details=form.details(), key=data["key"],
                confirm_existing=data["confirm_existing"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Added {person} to {program}.")
            return redirect("academics:person_detail", program_id=program.pk, user_id=person.pk)
    return render(request, "academics/person_add.html", {"program": program, "form": form})


@login_required
def person_detail(request, program_id, user_id):
    program = access.get_program_for_user(request.user, program_id)
    user, learner, faculty, memberships = selectors.person_in_program(program=program, user_id=user_id)
    if user is None:
        raise Http404("Not in this program")
    if not access.can_view_person(request.user, program=program, person=user, learner=learner):
        raise Http404("Not someone you can see")
    if learner is not None:
        access_log_record(actor=request.user, obj_or_queryset=learner, request=request)
    return render(request, "academics/person_detail.html", {
        "program": program, "person": user, "learner": learner, "faculty": faculty, "memberships": memberships,
        "assignments": selectors.assignments_of(learner=learner) if learner else [],
        "supervised": selectors.assignments_supervised_by(faculty=faculty) if faculty else [],
        "can_manage": access.can_manage_program(request.user, program),
    })


def _get_person_for_manager(request, program_id, user_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    user, learner, faculty, memberships = selectors.person_in_program(program=program, user_id=user_id)
    if user is None:
        raise Http404("Not in this program")
    return program, user, learner, faculty, memberships


@login_required
def person_edit(request, program_id, user_id):
    program, user, learner, faculty, memberships = _get_person_for_manager(request, program_id, user_id)
    data = request.POST if request.method == "POST" else None
    learner_form = LearnerEditForm(data, prefix="learner", initial=model_to_dict(learner)) if learner else None
    faculty_form = FacultyDetailsForm(data, prefix="faculty", initial=model_to_dict(faculty)) if faculty else None
    name_form = PersonNameForm(data, prefix="person", initial={"first_name": user.first_name,
                                                                "last_name": user.last_name})
    forms_ = [f for f in (name_form, learner_form, faculty_form) if f is not None]
    if data is not None and all(f.is_valid() for f in forms_):
        try:
            services.person_update(actor=request.user, program=program, user=user, learner=learner, faculty=faculty,
                                   name=name_form.cleaned_data,
                                   learner_fields=learner_form.cleaned_data if learner_form else None,
                                   faculty_fields=faculty_form.cleaned_data if faculty_form else None)
        except ValidationError as error:
            _apply_to_owning_forms(error, name_form, forms_)
        else:
            messages.success(request, f"Saved {user}.")
            return redirect("academics:person_detail", program_id=program.pk, user_id=user.pk)
    return render(request, "academics/person_edit.html", {
        "program": program, "person": user, "name_form": name_form, "learner_form": learner_form,
        "faculty_form": faculty_form, "memberships": memberships,
        "end_form": MembershipEndForm(initial={"ended_on": timezone.localdate()})})


def _apply_to_owning_forms(error, main_form, forms_):
    """Each field error on the form that has the field; the rest once, on top of ``main_form``."""
    if not hasattr(error, "error_dict"):
        apply_service_errors(main_form, error)
        return
    for name, errors in error.message_dict.items():
        owner = next((f for f in forms_ if name in f.fields), main_form)
        owner.add_error(name if name in owner.fields else None, errors)


@login_required
@require_POST
def membership_end(request, program_id, user_id):
    program, user, _learner, _faculty, memberships = _get_person_for_manager(request, program_id, user_id)
    form = MembershipEndForm(request.POST)
    membership = next((m for m in memberships if form.is_valid() and m.pk == form.cleaned_data["membership"]), None)
    if membership is None:
        raise Http404("No such role")
    try:
        services.membership_end(actor=request.user, membership=membership, ended_on=form.cleaned_data["ended_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Ended {membership.get_role_display()} for {user}.")
    return redirect("academics:person_edit", program_id=program.pk, user_id=user.pk)


@login_required
def my_schedule(request):
    company_of(request.user)
    return render(request, "academics/my_schedule.html",
                  {"assignments": selectors.assignments_for_user(user=request.user)})


# ---------------------------------------------------------------- calendar
@login_required
def year_list(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    form = AcademicYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.academic_year_create(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Created {year}. Now generate its blocks.")
            return redirect("academics:year_detail", program_id=program.pk, year_id=year.pk)
    return render(request, "academics/year_list.html",
                  {"program": program, "form": form, "years": selectors.years_of(program=program)})


@login_required
def year_detail(request, program_id, year_id):
    year = access.get_year_for_user(request.user, program_id, year_id)
    form = BlockGenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            blocks = services.blocks_generate(actor=request.user, academic_year=year,
                                              pattern=form.cleaned_data["pattern"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Created {len(blocks)} blocks.")
            return redirect("academics:year_detail", program_id=year.program_id, year_id=year.pk)
    return render(request, "academics/year_detail.html", {
        "program": year.program, "year": year, "form": form, "blocks": year.blocks.order_by("number")})


# ---------------------------------------------------------------- schedule grid
@login_required
def grid(request, program_id, year_id):
    year = access.get_year_row_for_user(request.user, program_id, year_id)
    undo = request.session.pop(GRID_UNDO_KEY, None)
    return render(request, "academics/grid.html",
                  {"program": year.program, "year": year, "grid": selectors.schedule_grid(year=year),
                   "grid_url": _grid_url(year), "undo": undo if undo and undo["year"] == str(year.pk) else None})


def _cell_objects(request, program_id, year_id, learner_id, block_id):
    year = access.get_year_for_user(request.user, program_id, year_id)
    learner = get_for_company_or_404(Learner.objects.select_related("user"), request.user, pk=learner_id,
                                     program=year.program)
    block = get_for_company_or_404(Block.objects.select_related("academic_year__program"), request.user,
                                   pk=block_id, academic_year=year)
    return year, learner, block


@login_required
def grid_cell(request, program_id, year_id, learner_id, block_id):
    """GET: the edit form (an htmx fragment, or a whole page without JS); POST: save and return
    the updated cell (htmx) or go back to the grid. ``?show=1`` returns the plain cell (Cancel)."""
    year, learner, block = _cell_objects(request, program_id, year_id, learner_id, block_id)
    program = year.program
    current = learner.assignments.filter(block=block).select_related("rotation_type", "site").first()
    if request.method == "GET" and request.GET.get("show"):
        return _vary_on_htmx(_render_cell(request, year, learner, block, current))
    initial = {"rotation_type": current.rotation_type_id, "site": current.site_id,
               "supervisor": current.primary_supervisor_id} if current else None
    form = CellForm(request.POST or None, initial=initial, program=program,
                    sites=selectors.program_sites(program=program))
    context = {"program": program, "year": year, "learner": learner, "block": block, "form": form,
               "current": current, "cell_block": block}  # "block" is taken inside {% block %}
    if request.method == "POST" and form.is_valid():
        removed = current if form.cleaned_data["rotation_type"] is None else None
        if removed is not None and not request.POST.get("confirm_clear"):  # clearing deletes: ask first
            template = "academics/_cell_clear_confirm.html" if request.htmx else "academics/cell_clear_confirm.html"
            return _vary_on_htmx(render(request, template, context))
        try:
            current = services.rotation_assignment_set(
                actor=request.user, learner=learner, block=block, rotation_type=form.cleaned_data["rotation_type"],
                site=form.cleaned_data["site"], supervisor=form.cleaned_data["supervisor"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            undo = _undo_of(year, learner, block, removed) if removed is not None else None
            if request.htmx:  # errors re-render the form inside the cell; success replaces the cell
                gaps, capacity = selectors.grid_totals(year=year, learner=learner)
                response = render(request, "academics/_cell_saved.html", {
                    "program": program, "year": year, "learner": learner, "block": block, "a": current,
                    "grid_url": _grid_url(year), "cell_undo": undo, "gaps": gaps, "capacity": capacity})
                response["HX-Reswap"] = "outerHTML"
                return _vary_on_htmx(response)
            if undo is not None:
                request.session[GRID_UNDO_KEY] = undo
            else:
                messages.success(request, f"Saved {learner} in {block}.")
            return redirect("academics:grid", program_id=program.pk, year_id=year.pk)
    template = "academics/_cell_form.html" if request.htmx else "academics/cell_edit.html"
    return _vary_on_htmx(render(request, template, context))


GRID_UNDO_KEY = "academics_grid_undo"


def _undo_of(year, learner, block, removed) -> dict:
    """What puts a removed assignment back: the same cell saved again with its old values
    (a button in the cell with htmx, a form above the grid without)."""
    values = {"rotation_type": str(removed.rotation_type_id), "site": str(removed.site_id or ""),
              "supervisor": str(removed.primary_supervisor_id or "")}
    return {"url": f"{_grid_url(year)}{learner.pk}/{block.pk}/", "values": values, "json": json.dumps(values),
            "year": str(year.pk),
            "text": f"Removed {learner} from {removed.rotation_type.name} in {block.name}."}


def _grid_url(year) -> str:
    # Reversed once per page: the grid has a link per cell, and reverse() per cell was most of its time.
    return reverse("academics:grid", kwargs={"program_id": year.program_id, "year_id": year.pk})


def _render_cell(request, year, learner, block, assignment):
    return render(request, "academics/_cell.html", {"program": year.program, "year": year, "learner": learner,
                                                    "block": block, "a": assignment, "grid_url": _grid_url(year)})


# ---------------------------------------------------------------- import / export
@login_required
def import_upload(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.read_rows(form.cleaned_data["file"], form.cleaned_data["kind"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            preview = imports.validate(program=program, kind=form.cleaned_data["kind"], rows=rows)
            token = secrets.token_urlsafe(16)
            if preview.ok:  # kept server-side; confirm re-validates before writing
                request.session[IMPORT_SESSION_KEY] = {"token": token, "program": str(program.pk),
                                                       "kind": preview.kind, "rows": preview.rows}
            preview.token = token
    return render(request, "academics/import.html", {"program": program, "form": form, "preview": preview,
                                                     "column_help": imports.column_help()})


@login_required
@require_POST
def import_confirm(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored["program"] != str(program.pk) or stored["token"] != request.POST.get("token"):
        messages.error(request, "That import was already applied or has expired. Upload the file again.")
        return redirect("academics:import", program_id=program.pk)
    try:
        count = imports.apply(actor=request.user, program=program, kind=stored["kind"], rows=stored["rows"])
    except ValidationError as error:
        messages.error(request, "Nothing was imported: " + "; ".join(error.messages))
        return redirect("academics:import", program_id=program.pk)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, f"Imported {count} {stored['kind']} rows.")
    return redirect("academics:roster" if stored["kind"] == "roster" else "academics:program_detail",
                    program_id=program.pk)


@login_required
@require_GET
def export_roster(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    data = imports.roster_dataset(program=program)
    return spreadsheet_response(name=download_name(program.company.subdomain, program.name, "roster"),
                                header=data.headers, rows=data, fmt=request.GET.get("format"))


@login_required
@require_GET
def export_schedule(request, program_id, year_id):
    year = access.get_year_for_user(request.user, program_id, year_id)
    program = year.program
    data = imports.schedule_dataset(program=program, year=year)
    return spreadsheet_response(name=download_name(program.company.subdomain, program.name, "schedule", year.name),
                                header=data.headers, rows=data, fmt=request.GET.get("format"))


# ---------------------------------------------------------------- calendar feeds
@login_required
def feeds(request):
    company_of(request.user)
    managed = selectors.manager_programs(user=request.user)
    if request.method == "POST":
        program = None
        if request.POST.get("program"):
            program = access.get_program_for_user(request.user, request.POST["program"], manage=True)
        services.calendar_feed_create(actor=request.user, program=program)
        messages.success(request, "Created a new calendar link. Copy it into your calendar app.")
        return redirect("academics:feeds")
    return render(request, "academics/feeds.html",
                  {"feeds": selectors.feeds_of(user=request.user), "managed": managed})


@login_required
@require_POST
def feed_revoke(request, feed_id):
    feed = get_for_company_or_404(CalendarFeed.objects, request.user, pk=feed_id, owner=request.user)
    services.calendar_feed_revoke(actor=request.user, feed=feed)
    messages.success(request, "Revoked. That link no longer works.")
    return redirect("academics:feeds")


@require_GET
def feed_ics(request, token):
    """No login: the secret token is the credential. A revoked token is simply not found."""
    with unscoped("calendar feed: the token identifies the tenant"):
        feed = CalendarFeed.objects.select_related("owner", "program").filter(token=token, revoked_at=None).first()
    if feed is not None:
        rls.set_request_tenant(request, feed.company_id)  # row-level security: the token's company
    signed_in_elsewhere = request.user.is_authenticated and request.user.company_id != getattr(feed, "company_id", 0)
    if feed is None or signed_in_elsewhere or not feed.owner.is_active:
        raise Http404("No such calendar")
    if feed.program_id:
        if not access.can_manage_program(feed.owner, feed.program):
            raise Http404("No such calendar")  # the owner no longer manages it
        name, assignments = str(feed.program), selectors.program_feed_assignments(program=feed.program)
    else:
        name, assignments = f"{feed.owner} — rotations", selectors.assignments_for_user(user=feed.owner)
    response = HttpResponse(ical.calendar_for(name=name, assignments=assignments),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


# ---------------------------------------------------------------- promotion
@login_required
def promotion(request, program_id):
    program = access.get_program_for_user(request.user, program_id, manage=True)
    form = PromotionForm(request.POST or None, initial={"key": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        try:
            promotion = services.promotion_apply(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Promotion applied to {promotion.promoted + promotion.graduated} residents.")
            return redirect("academics:roster", program_id=program.pk)
    return render(request, "academics/promotion.html", {
        "program": program, "form": form, "plan": services.promotion_plan(program=program),
        "final_year": services.final_year_of(program)})
