"""Clinical pages. Objects come through apps.clinical.access (404 outside the company, 403
without the permission code); writes go through the services; every read of patient data is
recorded with access.log_patient_access."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.clinical import access
from apps.clinical.chart_sections import chart_sections_for
from apps.clinical.charts import vitals_chart_svg
from apps.clinical.models import Note, NoteRevision, NoteTemplate, PermissionCode, RolePermission, SignedNoteError
from apps.clinical.selectors import chart as chart_selectors
from apps.clinical.selectors import notes as note_selectors
from apps.clinical.selectors.patients import patient_search_page, people_with, sites_with
from apps.clinical.services import notes as note_services
from apps.clinical.services import nursing as nursing_services
from apps.clinical.services import patients as patient_services
from apps.clinical.services import records as record_services
from apps.clinical.services import visits as visit_services
from apps.clinical.services import vitals as vitals_services
from apps.clinical.services.permissions import role_permissions_set
from apps.clinical.web import forms
from apps.core.forms import uuid_param
from apps.tenants.access import company_of, is_org_admin
from apps.tenants.roles import CLINICAL_ROLES, Role


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# ------------------------------------------------------------------ patients
SEARCH_PAGE_SIZE, SEARCH_MAX_PAGES = 25, 40
_SLOT = "00000000-0000-0000-0000-000000000000"  # reverse() once, then the id in its place for each row


def _best_matches(company, query, page_param):
    """One page of the best matches, best first, without counting every match: a name shared by
    thousands of patients costs one LIMIT query, not a COUNT over all of them. "More" follows while
    there are more (up to 1,000 matches; past that, narrow the search)."""
    try:
        number = min(max(int(page_param or 1), 1), SEARCH_MAX_PAGES)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * SEARCH_PAGE_SIZE
    rows = patient_search_page(company=company, query=query, offset=start, limit=SEARCH_PAGE_SIZE)
    chart_url = reverse("clinical:chart", args=[_SLOT])
    for row in rows:
        row["url"] = chart_url.replace(_SLOT, str(row["id"]))
    return {"rows": rows[:SEARCH_PAGE_SIZE], "number": number, "first": start + 1,
            "last": start + len(rows[:SEARCH_PAGE_SIZE]),
            "has_previous": number > 1, "previous": number - 1,
            "has_next": len(rows) > SEARCH_PAGE_SIZE and number < SEARCH_MAX_PAGES, "next": number + 1,
            "capped": len(rows) > SEARCH_PAGE_SIZE and number == SEARCH_MAX_PAGES}


@login_required
@require_GET
def home(request):
    """Find a patient (typo-tolerant): the clinical start page."""
    company = company_of(request.user)
    access.require_code(request.user, "patient.read")
    query = request.GET.get("q", "").strip()
    page = _best_matches(company, query, request.GET.get("page"))
    return render(request, "clinical/home.html", {
        "query": query, "page": page, "can_write": access.can_write_patient(request.user),
        "cosign_count": note_selectors.cosign_queue(user=request.user).count()
        if access.user_has_code(request.user, "note.cosign") else 0,
        "handoff_sites": sites_with(user=request.user, code="nursing.read").values("pk", "name"),  # two columns, no Site
    })


@login_required
def patient_new(request):
    company = company_of(request.user)
    access.require_code(request.user, "patient.write")
    sites = sites_with(user=request.user, code="patient.write")
    form = forms.PatientForm(request.POST or None, sites=sites, show_confirm="confirm_not_duplicate" in request.POST)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_services.patient_create(
                actor=request.user, site=form.cleaned_data["home_site"], data=form.patient_data(),
                allow_duplicate=form.cleaned_data.get("confirm_not_duplicate", False))
        except patient_services.PossibleDuplicate as duplicate:
            duplicates = duplicate.duplicates
            form = forms.PatientForm(request.POST, sites=sites, show_confirm=True)
            form.is_valid()
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Registered {patient.full_name}, MRN {patient.mrn}.")
            return redirect("clinical:chart", patient_id=patient.pk)
    return render(request, "clinical/patient_form.html", {"form": form, "duplicates": duplicates,
                                                           "company": company})


@login_required
@require_GET
def chart(request, patient_id):
    """The patient and everything the page shows come in one query (chart_page_patients, compiled
    once); the sections of other contexts that cost queries load by htmx from their own views."""
    can_chart, can_notes = access.can_read_chart(request.user), access.can_read_notes(request.user)
    patient = access.get_patient_for_user(request.user, patient_id, fetch=lambda company, pk: (
        chart_selectors.chart_page_patient(company=company, patient_id=pk, can_read_chart=can_chart,
                                           can_read_notes=can_notes)))
    context = chart_selectors.chart_page_context(patient, can_read_chart=can_chart, can_read_notes=can_notes)
    access.log_patient_access(request, patient, "chart")
    context.update({
        "can_chart": can_chart, "can_notes": can_notes, "can_write": access.can_write_patient(request.user),
        "can_records": access.can_write_records(request.user), "can_vitals": access.can_record_vitals(request.user),
        "can_open_case": access.user_has_code(request.user, "note.write"),
        "can_nursing": access.user_has_code(request.user, "nursing.write"),
        "record_kinds": record_services.RECORD_KINDS,
        "sections": chart_sections_for(request, patient),
    })
    return render(request, "clinical/chart.html", context)


@login_required
def patient_edit(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "patient.write")
    sites = sites_with(user=request.user, code="patient.write")
    form = forms.PatientForm(request.POST or None, instance=patient, sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            patient_services.patient_update(actor=request.user, patient=patient, data=form.patient_data(),
                                            home_site=form.cleaned_data["home_site"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Saved {patient.full_name}.")
            return redirect("clinical:chart", patient_id=patient.pk)
    return render(request, "clinical/patient_form.html", {"form": form, "patient": patient})


@login_required
def patient_delete(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "patient.write")
    form = forms.PatientDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient_services.patient_delete(actor=request.user, patient=patient, reason=form.cleaned_data["reason"])
        messages.success(request, f"Removed {patient.full_name} ({patient.mrn}) from the patient list.")
        return redirect("clinical:home")
    return render(request, "clinical/patient_delete.html", {"form": form, "patient": patient})


# ------------------------------------------------------------------ record lists
def _record_kind(kind):
    if kind not in record_services.RECORD_KINDS:
        raise Http404("No such record list")
    return record_services.RECORD_KINDS[kind]


@login_required
def records(request, patient_id, kind):
    model = _record_kind(kind)
    patient = access.get_patient_for_user(request.user, patient_id, "chart.read")
    form_class = forms.record_form_class(kind)
    form = form_class(request.POST or None)
    if request.method == "POST":
        access.require_code(request.user, "record.write")
        if form.is_valid():
            try:
                record_services.record_add(actor=request.user, patient=patient, kind=kind, data=form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Added.")
                return redirect("clinical:records", patient_id=patient.pk, kind=kind)
    entries = model.objects.for_company(patient.company_id).filter(patient=patient).select_related(
        "recorded_by", "entered_in_error_by")
    access.log_patient_access(request, patient, kind)
    return render(request, "clinical/records.html", {
        "patient": patient, "kind": kind, "title": model._meta.verbose_name_plural.capitalize(),
        "entries": entries, "form": form, "can_write": access.can_write_records(request.user),
        "fields": record_services.RECORD_FIELDS[kind],
    })


@login_required
def record_entered_in_error(request, patient_id, kind, entry_id):
    model = _record_kind(kind)
    patient = access.get_patient_for_user(request.user, patient_id, "record.write")
    entry = access.get_in_company_or_404(model.objects.filter(patient=patient), request.user, pk=entry_id)
    form = forms.EnteredInErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_services.record_mark_entered_in_error(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        messages.success(request, f"Marked “{entry}” entered in error.")
        return redirect("clinical:records", patient_id=patient.pk, kind=kind)
    return render(request, "clinical/entered_in_error.html", {"form": form, "patient": patient, "entry": entry,
                                                              "kind": kind})


# ------------------------------------------------------------------ vitals
@login_required
def vitals_new(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "vitals.record")
    sites = sites_with(user=request.user, code="vitals.record")
    form = forms.VitalsForm(request.POST or None, sites=sites, initial={"site": patient.home_site_id})
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in form.Meta.fields}
        try:
            vitals = vitals_services.vitals_record(actor=request.user, patient=patient, site=form.cleaned_data["site"],
                                                   data=data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            score = f" NEWS2 {vitals.news2_score} ({vitals.news2_risk})." if vitals.news2_score is not None else ""
            messages.success(request, f"Vitals recorded.{score}")
            return redirect("clinical:chart", patient_id=patient.pk)
    return render(request, "clinical/vitals_form.html", {"form": form, "patient": patient})


@login_required
@require_GET
def vitals_chart(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "chart.read")
    rows = list(patient.vitals.filter(entered_in_error_at__isnull=True).select_related("recorded_by")
                .order_by("-recorded_at")[:200])
    access.log_patient_access(request, patient, "vitals")
    return render(request, "clinical/vitals_chart.html", {
        "patient": patient, "rows": rows, "charts": vitals_chart_svg(list(reversed(rows)))})


# ------------------------------------------------------------------ cases, visits
@login_required
def case_new(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "note.write")
    practitioners = people_with(company=patient.company_id, code="note.cosign")
    form = forms.CaseForm(request.POST or None, practitioners=practitioners,
                          initial={"responsible_practitioner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        case = visit_services.case_open(actor=request.user, patient=patient, title=form.cleaned_data["title"],
                                        diagnosis_text=form.cleaned_data["diagnosis_text"],
                                        diagnosis_code=form.cleaned_data["diagnosis_code"],
                                        responsible_practitioner=form.cleaned_data["responsible_practitioner"])
        return redirect("clinical:case_detail", case_id=case.pk)
    return render(request, "clinical/case_form.html", {"form": form, "patient": patient})


@login_required
@require_GET
def case_detail(request, case_id):
    case = access.get_case_for_user(request.user, case_id)
    visits = case.visits.select_related("site", "practitioner").order_by("-visited_at")
    access.log_patient_access(request, case.patient, "case")
    return render(request, "clinical/case_detail.html", {
        "case": case, "patient": case.patient, "visits": visits,
        "can_write": access.user_has_code(request.user, "note.write")})


@login_required
def visit_new(request, case_id):
    case = access.get_case_for_user(request.user, case_id)
    access.require_code(request.user, "note.write")
    sites = sites_with(user=request.user, code="note.write")
    form = forms.VisitForm(request.POST or None, sites=sites,
                           practitioners=people_with(company=case.company_id, code="note.write"),
                           initial={"practitioner": request.user.pk, "visited_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_services.visit_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("clinical:visit_detail", visit_id=visit.pk)
    return render(request, "clinical/visit_form.html", {"form": form, "case": case, "patient": case.patient})


@login_required
@require_GET
def visit_detail(request, visit_id):
    visit = access.get_visit_for_user(request.user, visit_id)
    notes = visit.notes.select_related("author", "signed_by", "cosigned_by").order_by("created_at")
    access.log_patient_access(request, visit.patient, "visit")
    return render(request, "clinical/visit_detail.html", {
        "visit": visit, "patient": visit.patient, "notes": notes,
        "can_write": access.can_write_note(request.user, visit.site_id) and not visit.is_locked})


@login_required
@require_POST
def visit_lock(request, visit_id):
    visit = access.get_visit_for_user(request.user, visit_id)
    access.require_code(request.user, "note.sign", visit.site_id)
    visit_services.visit_lock(actor=request.user, visit=visit)
    messages.success(request, "Visit locked: no new notes; signed notes take addenda.")
    return redirect("clinical:visit_detail", visit_id=visit.pk)


# ------------------------------------------------------------------ notes
@login_required
def note_new(request, visit_id):
    visit = access.get_visit_for_user(request.user, visit_id)
    if not access.can_write_note(request.user, visit.site_id):
        raise PermissionDenied
    templates = NoteTemplate.objects.for_company(visit.company_id).filter(is_active=True)
    template_id = uuid_param(request, "template")
    chosen = templates.filter(pk=template_id).first() if template_id else None
    form = forms.NoteStartForm(request.POST or None, templates=templates,
                               prompts=chosen.sections if chosen else None, initial={"template": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            note = note_services.note_start(actor=request.user, visit=visit, content=form.content(),
                                            template=form.cleaned_data["template"],
                                            confidential=form.cleaned_data["confidential"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Draft saved (version 1).")
            return redirect("clinical:note_detail", note_id=note.pk)
    return render(request, "clinical/note_form.html", {"form": form, "visit": visit, "patient": visit.patient,
                                                       "templates": templates})


@login_required
@require_GET
def note_detail(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    revisions = list(note.revisions.select_related("author").order_by("version"))
    current = revisions[-1] if revisions else None
    signed = next((r for r in revisions if r.version == note.signed_version), None) if note.is_signed else None
    addenda = list(note.addenda.select_related("author"))
    access.log_patient_access(request, note.patient, "note")
    return render(request, "clinical/note_detail.html", {
        "note": note, "patient": note.patient, "visit": note.visit,
        "shown": signed or current, "revisions": revisions,
        "altered": note.is_signed and not note_services.note_digest_matches(note, signed),
        "addenda": [(a, note_services.addendum_digest_matches(a)) for a in addenda],
        "can_edit": access.can_edit_note(request.user, note), "can_sign": access.can_sign_note(request.user, note),
        "can_cosign": access.can_cosign_note(request.user, note),
        "can_addendum": access.can_add_addendum(request.user, note),
        "addendum_form": forms.AddendumForm(),
    })


@login_required
def note_edit(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if note.is_signed:
        messages.error(request, "This note is signed and can no longer change; add an addendum instead.")
        return redirect("clinical:note_detail", note_id=note.pk)
    if not access.can_edit_note(request.user, note):
        raise PermissionDenied
    latest = note.revisions.order_by("-version").first()
    form = forms.NoteForm(request.POST or None, initial=latest.content if latest else None,
                          prompts=note.template.sections if note.template_id else None)
    if request.method == "POST" and form.is_valid():
        try:
            revision = note_services.note_save_draft(actor=request.user, note=note, content=form.content())
        except (ValidationError, SignedNoteError) as error:
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            messages.success(request, f"Draft saved (version {revision.version}).")
            return redirect("clinical:note_detail", note_id=note.pk)
    return render(request, "clinical/note_form.html", {"form": form, "note": note, "visit": note.visit,
                                                       "patient": note.patient})


@login_required
@require_POST
def note_sign(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if not access.can_sign_note(request.user, note):
        raise PermissionDenied
    try:
        note = note_services.note_sign(actor=request.user, note=note)
    except (ValidationError, SignedNoteError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "Signed; awaiting co-signature." if note.cosign_required else "Signed.")
    return redirect("clinical:note_detail", note_id=note.pk)


@login_required
@require_POST
def note_cosign(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if not access.can_cosign_note(request.user, note):
        raise PermissionDenied
    try:
        note_services.note_cosign(actor=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Co-signed.")
    return redirect("clinical:note_detail", note_id=note.pk)


@login_required
@require_POST
def addendum_new(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if not access.can_add_addendum(request.user, note):
        raise PermissionDenied
    form = forms.AddendumForm(request.POST)
    if form.is_valid():
        note_services.addendum_add(actor=request.user, note=note, text=form.cleaned_data["text"])
        messages.success(request, "Addendum added.")
    else:
        messages.error(request, "Write the addendum.")
    return redirect("clinical:note_detail", note_id=note.pk)


@login_required
@require_GET
def cosign_list(request):
    company_of(request.user)
    access.require_code(request.user, "note.cosign")
    return render(request, "clinical/cosign_list.html", {"notes": note_selectors.cosign_queue(user=request.user)})


# ------------------------------------------------------------------ nursing
@login_required
def nurse_log_new(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "nursing.write")
    form = forms.NurseLogForm(request.POST or None, sites=sites_with(user=request.user, code="nursing.write"),
                              initial={"site": patient.home_site_id})
    if request.method == "POST" and form.is_valid():
        nursing_services.nurse_log_add(actor=request.user, patient=patient, site=form.cleaned_data["site"],
                                       kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
        messages.success(request, "Logged.")
        return redirect("clinical:chart", patient_id=patient.pk)
    logs = patient.nurse_logs.select_related("author", "site").order_by("-logged_at")[:50]
    access.log_patient_access(request, patient, "nurse_logs")
    return render(request, "clinical/nurse_log.html", {"form": form, "patient": patient, "logs": logs})


@login_required
@require_GET
def handoff(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "nursing.read")
    hours = 12
    data = note_selectors.handoff(site=site, since=timezone.now() - datetime.timedelta(hours=hours))
    for patient in {entry.patient for entry in data["logs"]} | {v.patient for v in data["alerts"]}:
        access.log_patient_access(request, patient, "handoff")
    return render(request, "clinical/handoff.html", {"site": site, "hours": hours, **data})


# ------------------------------------------------------------------ roles → codes (org admins)
@login_required
def roles(request):
    company = company_of(request.user)
    if not is_org_admin(request.user):
        raise PermissionDenied
    clinical_roles = [role for role in Role if role in CLINICAL_ROLES or role == Role.PATIENT]
    if request.method == "POST":
        role = request.POST.get("role")
        form = forms.RolePermissionsForm(request.POST)
        if role in clinical_roles and form.is_valid():
            added, removed = role_permissions_set(actor=request.user, company=company, role=role,
                                                  codes=form.cleaned_data["codes"])
            messages.success(request, f"{Role(role).label}: {len(added)} added, {len(removed)} removed.")
            return redirect("clinical:roles")
        messages.error(request, "Choose a clinical role and valid codes.")
    held = {}
    for role, code in RolePermission.objects.for_company(company).values_list("role", "code"):
        held.setdefault(role, set()).add(code)
    rows = [{"role": role, "codes": [(code, label, code in held.get(role, ())) for code, label in
                                     PermissionCode.choices]} for role in clinical_roles]
    return render(request, "clinical/roles.html", {"rows": rows})


# ------------------------------------------------------------------ patient portal
@login_required
@require_GET
def portal(request):
    patient = access.portal_patient_for(request.user)
    context = chart_selectors.chart_for(patient=patient, can_read_chart=True, can_read_notes=False)
    notes = list(Note.objects.for_company(patient.company_id)
                 .filter(patient=patient, status=Note.Status.SIGNED, confidential=False)
                 .select_related("author", "visit").order_by("-signed_at")[:20])
    signed = {r.note_id: r for r in NoteRevision.objects.for_company(patient.company_id).filter(
        note__in=notes, version=F("note__signed_version"))}
    for note in notes:
        note.signed_content = signed[note.pk].content if note.pk in signed else {}
    access.log_patient_access(request, patient, "portal")
    return render(request, "clinical/portal.html", {**context, "notes": notes})
