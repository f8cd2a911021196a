"""Hospital floor pages. Objects come through apps.hospital.access (404 outside the company, 403
without the code), writes go through apps.hospital.services, every read of patient data is in the
access log (one entry per patient shown)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.access import access_log_record, access_log_rows
from apps.audit.models import AccessLog
from apps.clinical.access import get_patient_for_user
from apps.clinical.models import Patient
from apps.core.forms import apply_service_errors
from apps.hospital import access, mar_cache, selectors, services
from apps.hospital.models import Bed, Dose, LabOrder, LabTest, StockLot
from apps.hospital.templatetags.hospital_floor import CSRF_SLOT, mar_rows_html
from apps.hospital.web import forms
from apps.tenants.access import company_of
from apps.tenants.models import Site, User


def _sites_with(user, code):
    company = company_of(user)
    held = {site for site, codes in access.clinical_codes(user).items() if code in codes}
    qs = Site.objects.for_company(company).filter(is_active=True).order_by("name")
    return qs if None in held else qs.filter(pk__in=held)


def _log_patients(request, patients, action=AccessLog.Action.LIST):
    patients = {p.pk: p for p in patients}
    if patients:
        access_log_record(actor=request.user, obj_or_queryset=list(patients.values()), action=action, request=request)


def _log_patient_ids(request, company_id, patient_ids, action=AccessLog.Action.LIST):
    """As ``_log_patients`` for pages that read patients as ``.values()`` rows: the entries need only
    each patient's id and company (one INSERT with the request's other entries)."""
    rows = [(pk, company_id) for pk in dict.fromkeys(patient_ids)]
    if rows:
        access_log_rows(actor=request.user, model=Patient, rows=rows, action=action, request=request)


# ------------------------------------------------------------------ home, bed board
@login_required
@require_GET
def home(request):
    user = request.user
    company_of(user)
    context = {"ward_sites": _sites_with(user, "ward.read"), "lab_sites": _sites_with(user, "lab.process"),
               "stock_sites": _sites_with(user, "inventory.manage"),
               "pharmacy_sites": _sites_with(user, "medication.dispense")}
    if not any(qs.exists() for qs in context.values()):
        raise PermissionDenied("No hospital role here")
    return render(request, "hospital/home.html", context)


@login_required
@require_GET
def bed_board(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "ward.read")
    board = selectors.bed_board_page(site=site)
    _log_patient_ids(request, site.company_id, [stay["patient_id"] for ward in board for *_bed, stay in ward["beds"]
                                                if stay is not None])
    with timezone.override(site.time_zone):  # times as the hospital's clocks show them
        return render(request, "hospital/bed_board.html", {
            "site": site, "board": board, "can_manage": access.can_manage_admissions(request.user, site),
            "statuses": forms.BedStatusForm.base_fields["status"].choices})


@login_required
@require_POST
def bed_status(request, bed_id):
    bed = access.get_bed_for_user(request.user, bed_id, "admission.manage")
    form = forms.BedStatusForm(request.POST)
    if form.is_valid():
        try:
            services.bed_set_status(actor=request.user, bed=bed, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a status.")
    return redirect("hospital:bed_board", site_id=bed.ward.site_id)


# ------------------------------------------------------------------ admissions
def _free_beds(site):
    return (Bed.objects.for_company(site.company_id).filter(ward__site=site, status__in=[Bed.Status.AVAILABLE,
                                                                                          Bed.Status.RESERVED])
            .select_related("ward").order_by("ward__name", "label"))


def _practitioners(site):
    holders = [u for u in User.objects.for_company(site.company_id).filter(
        is_active=True, memberships__site=site, memberships__is_active=True).distinct().order_by("last_name")]
    ids = [u.pk for u in holders if access.user_has_code(u, "medication.prescribe", site)]
    return User.objects.for_company(site.company_id).filter(pk__in=ids).order_by("last_name", "first_name")


@login_required
def admit(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "admission.manage")
    data = request.POST.copy() if request.method == "POST" else None
    patient = None
    if data is not None:
        mrn = data.get("mrn", "").strip()[:30]
        patient = Patient.objects.for_company(site.company_id).filter(mrn=mrn).first() if mrn else None
        if patient is None:  # not echoed back: another organization's MRN must not come back in the page
            data["mrn"] = ""
    form = forms.AdmitForm(data, practitioners=_practitioners(site), beds=_free_beds(site))
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            admission = services.admission_admit(
                actor=request.user, patient=patient, site=site, reason=cleaned["reason"],
                practitioner=cleaned["practitioner"], bed=cleaned["bed"], idempotency_key=cleaned["idempotency_key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Admitted {patient.full_name}.")
            return redirect("hospital:admission", admission_id=admission.pk)
    elif data is not None and patient is None:
        form.add_error("mrn", "No patient with this MRN here.")
    return render(request, "hospital/admit.html", {"site": site, "form": form})


@login_required
@require_GET
def admission(request, admission_id):
    stay = access.get_admission_for_user(request.user, admission_id)
    access.log_patient_access(request, stay.patient, "admission")
    can_manage = stay.status == stay.Status.ADMITTED and access.can_manage_admissions(request.user, stay.site_id)
    return render(request, "hospital/admission.html", {
        "admission": stay,
        "assignments": stay.assignments.select_related("bed__ward").order_by("start"),
        "can_manage": can_manage,
        "transfer_form": forms.TransferForm(beds=_free_beds(stay.site)) if can_manage else None,
        "discharge_form": forms.DischargeForm() if can_manage else None})


@login_required
@require_POST
def admission_transfer(request, admission_id):
    stay = access.get_admission_for_user(request.user, admission_id, "admission.manage")
    form = forms.TransferForm(request.POST, beds=_free_beds(stay.site))
    if form.is_valid():
        try:
            services.admission_transfer(actor=request.user, admission=stay, bed=form.cleaned_data["bed"])
            messages.success(request, f"Moved to {form.cleaned_data['bed']}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a free bed at this site.")
    return redirect("hospital:admission", admission_id=stay.pk)


@login_required
@require_POST
def admission_discharge(request, admission_id):
    stay = access.get_admission_for_user(request.user, admission_id, "admission.manage")
    form = forms.DischargeForm(request.POST)
    if form.is_valid():
        try:
            services.admission_discharge(actor=request.user, admission=stay, **form.cleaned_data)
            messages.success(request, "Discharged; the summary waits for approval.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a disposition and write the summary.")
    return redirect("hospital:admission", admission_id=stay.pk)


@login_required
def draft(request, draft_id):
    document = access.get_draft_for_user(request.user, draft_id)
    if document.patient_id:
        access.log_patient_access(request, document.patient, "draft")
    form = forms.DecideForm(request.POST or None)
    if request.method == "POST":
        if not access.can_approve_draft(request.user, document):
            raise PermissionDenied("You may not review this draft")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    services.draft_approve(actor=request.user, draft=document, reason=data["reason"])
                else:
                    services.draft_reject(actor=request.user, draft=document, reason=data["reason"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Draft {data['decision']}d.")
                return redirect("hospital:draft", draft_id=document.pk)
    return render(request, "hospital/draft.html", {
        "draft": document, "form": form, "can_decide": access.can_approve_draft(request.user, document),
        "history": document.history.select_related("history_user").order_by("history_date")})


# ------------------------------------------------------------------ the MAR
def _day_and_shift(request, site):
    raw_day, shift = request.GET.get("day") or "", request.GET.get("shift") or ""
    now = selectors.now_local(site)
    try:
        day = datetime.date.fromisoformat(raw_day) if raw_day else now.date()
    except ValueError:
        raise BadRequest("?day= must be a date (YYYY-MM-DD)")
    if shift and shift not in selectors.SHIFTS:
        raise BadRequest("?shift= must be day or night")
    if not shift:
        shift = "day" if 7 <= now.hour < 19 else "night"
        if now.hour < 7 and not raw_day:
            day -= datetime.timedelta(days=1)
    return day, shift


@login_required
@require_GET
def mar(request, ward_id):
    ward = access.get_ward_for_user(request.user, ward_id, "ward.read")
    day, shift = _day_and_shift(request, ward.site)
    start, end = selectors.shift_window(site=ward.site, day=day, shift=shift)
    can_give = access.user_has_code(request.user, "medication.administer", ward.site_id)

    def cards():
        rows = selectors.ward_mar_page(ward=ward, start=start, end=end)
        return {"html": mar_rows_html(rows, ward, start, can_give, csrf=CSRF_SLOT),
                "patient_ids": [row["patient_id"] for row in rows]}

    with timezone.override(ward.site.time_zone):  # due times as the ward's clocks show them
        mar_page = mar_cache.cached_mar(ward=ward, start=start, end=end, can_give=can_give, compute=cards)
        _log_patient_ids(request, ward.company_id, mar_page["patient_ids"])
        return render(request, "hospital/mar.html", {
            "ward": ward, "mar_html": mar_page["html"], "day": day, "shift": shift, "start": start, "end": end,
            "can_give": can_give, "previous": start - datetime.timedelta(hours=12), "next": end})


@login_required
@require_http_methods(["GET", "POST"])
def dose_record(request, dose_id):
    """GET: the administration form of one dose (the MAR's "Record" loads it into the dose's row by
    htmx; without JavaScript it is a page of its own); POST: record it (the same service as the API)
    and go back to the MAR with what happened, or why not, as a message."""
    dose = access.get_dose_for_user(request.user, dose_id)
    if request.method == "GET":
        return _dose_form(request, dose)
    form = forms.DoseForm(request.POST)
    if form.is_valid():
        try:
            services.dose_record(actor=request.user, dose=dose, **form.cleaned_data)
            messages.success(request, f"{dose.prescription.medication}: {form.cleaned_data['status']}.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose what happened to the dose.")
    return _back_to_mar(request, dose.prescription)


@login_required
@require_POST
def prn_give(request, prescription_id):
    prescription = access.get_prescription_for_user(request.user, prescription_id, "medication.administer")
    try:
        services.dose_give_as_needed(actor=request.user, prescription=prescription,
                                     reason=request.POST.get("reason", "")[:300])
        messages.success(request, f"{prescription.medication} given.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_mar(request, prescription)


def _dose_form(request, dose):
    prescription = dose.prescription
    access.log_patient_access(request, prescription.patient, "dose")
    bed = _open_bed(prescription, select_related=("ward",))
    recordable = dose.status == Dose.Status.SCHEDULED and prescription.status == prescription.Status.ACTIVE
    with timezone.override(prescription.site.time_zone):  # "Dose at HH:MM" as the ward's clocks show it
        response = render(request, "hospital/_dose_form.html" if request.htmx else "hospital/dose_record.html", {
            "dose": dose, "prescription": prescription, "patient": prescription.patient, "bed": bed,
            "recordable": recordable, "statuses": forms.DoseForm().fields["status"].choices})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _open_bed(prescription, select_related=()):
    """The bed the prescription's patient is in now (None when not on a ward)."""
    return (Bed.objects.for_company(prescription.company_id).filter(
        assignments__patient=prescription.patient_id, assignments__end__isnull=True)
        .select_related(*select_related).first())


def _back_to_mar(request, prescription):
    """Back to the MAR of the patient's ward, at the patient's card (``#p-<patient id>``, the card's
    heading), so the nurse lands on the row she recorded; the prescription's page when the patient
    is no longer on that ward."""
    ward_id = request.POST.get("ward") or ""
    bed = _open_bed(prescription)
    if bed is not None and (not ward_id or str(bed.ward_id) == ward_id):
        return redirect(f'{reverse("hospital:mar", args=[bed.ward_id])}#p-{prescription.patient_id}')
    return redirect("hospital:prescription", prescription_id=prescription.pk)


# ------------------------------------------------------------------ lab
@login_required
@require_GET
def lab_queue(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "lab.process")
    orders = list(selectors.lab_queue(site=site)[:200])
    _log_patients(request, [order.patient for order in orders])
    return render(request, "hospital/lab_queue.html", {"site": site, "orders": orders})


@login_required
def lab_order_new(request, patient_id):
    patient = get_patient_for_user(request.user, patient_id, "lab.order")
    tests = LabTest.objects.for_company(patient.company_id).filter(is_active=True).order_by("name")
    form = forms.LabOrderForm(request.POST or None, sites=_sites_with(request.user, "lab.order"), tests=tests)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.lab_order_create(
                actor=request.user, patient=patient, site=data["site"], tests=list(data["tests"]),
                urgency=data["urgency"], clinical_note=data["clinical_note"], idempotency_key=data["idempotency_key"],
                admission=patient_open_admission(patient))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Lab order sent.")
            return redirect("hospital:lab_order", order_id=order.pk)
    access.log_patient_access(request, patient, "lab-order-form")
    return render(request, "hospital/lab_order_form.html", {"patient": patient, "form": form})


def patient_open_admission(patient):
    from apps.hospital.models import Admission

    return Admission.objects.for_company(patient.company_id).filter(
        patient=patient, status=Admission.Status.ADMITTED).first()


@login_required
def lab_order(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    access.log_patient_access(request, order.patient, "lab-order")
    results = list(order.results.select_related("test", "resulted_by", "acknowledged_by").order_by("test__name"))
    can_process = access.can_process_lab(request.user, order.site_id)
    upload = forms.ReportUploadForm()
    if request.method == "POST":
        if not can_process:
            raise PermissionDenied("needs lab.process")
        upload = forms.ReportUploadForm(request.POST, request.FILES)
        values = {str(r.pk): request.POST.get(f"value_{r.pk}", "").strip()[:40] for r in results}
        if upload.is_valid():
            try:
                services.lab_results_record(actor=request.user, order=order, values=values,
                                            report_file=upload.cleaned_data.get("report"))
            except ValidationError as error:
                apply_service_errors(upload, error)
            else:
                messages.success(request, "Results recorded.")
                return redirect("hospital:lab_order", order_id=order.pk)
    return render(request, "hospital/lab_order.html", {
        "order": order, "results": results, "can_process": can_process, "upload": upload,
        "status_form": forms.LabStatusForm(),
        "can_cancel": access.user_has_code(request.user, "lab.order", order.site_id),
        "ack": {r.pk for r in results if r.resulted_at and access.can_acknowledge_result(request.user, r)}})


@login_required
@require_POST
def lab_order_status(request, order_id):
    order = access.get_lab_order_for_user(request.user, order_id)
    form = forms.LabStatusForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            if data["status"] == LabOrder.Status.ACCEPTED and request.POST.get("collect"):
                services.lab_order_transition(actor=request.user, order=order, status=data["status"])
                services.lab_specimen_collect(actor=request.user, order=order)
            else:
                services.lab_order_transition(actor=request.user, order=order, **data)
            messages.success(request, "Order updated.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Choose a status.")
    return redirect("hospital:lab_order", order_id=order.pk)


@login_required
@require_GET
def lab_report(request, order_id):
    """The report PDF: only through this access-checked, access-logged view (never a public URL)."""
    order = access.get_lab_order_for_user(request.user, order_id)
    if not order.report_file:
        raise Http404("No report file")
    access.log_patient_access(request, order.patient, "export:lab-report")
    return FileResponse(order.report_file.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"lab-report-{order.patient.mrn}-{order.ordered_at:%Y%m%d}.pdf")


@login_required
@require_POST
def result_acknowledge(request, result_id):
    result = access.get_lab_result_for_user(request.user, result_id)
    services.lab_result_acknowledge(actor=request.user, result=result)
    messages.success(request, f"Acknowledged {result.test.name}.")
    if request.POST.get("next") == "home":
        return redirect("/")
    return redirect("hospital:lab_order", order_id=result.order_id)


# ------------------------------------------------------------------ prescriptions
@login_required
@require_GET
def pharmacy_queue(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "medication.dispense")
    prescriptions = list(selectors.pharmacy_queue(site=site)[:200])
    _log_patients(request, [p.patient for p in prescriptions])
    return render(request, "hospital/pharmacy_queue.html", {"site": site, "prescriptions": prescriptions})


@login_required
def prescription_new(request, patient_id):
    patient = get_patient_for_user(request.user, patient_id, "medication.prescribe")
    form = forms.PrescriptionForm(request.POST or None, sites=_sites_with(request.user, "medication.prescribe"))
    warning = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        site, ack, key = data.pop("site"), data.pop("acknowledge_allergy"), data.pop("idempotency_key")
        try:
            prescription = services.prescription_create(
                actor=request.user, patient=patient, site=site, data=data, acknowledge_allergy=ack,
                admission=patient_open_admission(patient), idempotency_key=key)
        except services.AllergyWarning as error:
            warning = error.allergies
            apply_service_errors(form, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Prescribed {prescription}.")
            return redirect("hospital:prescription", prescription_id=prescription.pk)
    access.log_patient_access(request, patient, "prescription-form")
    return render(request, "hospital/prescription_form.html", {"patient": patient, "form": form, "warning": warning})


@login_required
def prescription(request, prescription_id):
    order = access.get_prescription_for_user(request.user, prescription_id)
    access.log_patient_access(request, order.patient, "prescription")
    can_dispense = access.user_has_code(request.user, "medication.dispense", order.site_id)
    lots = (StockLot.objects.for_company(order.company_id).filter(item__site=order.site, level__gt=0)
            .select_related("item").order_by("item__name", "expiry_date"))
    dispense_form = forms.DispenseForm(request.POST or None, lots=lots) if can_dispense else None
    if request.method == "POST":
        if not can_dispense:
            raise PermissionDenied("needs medication.dispense")
        if dispense_form.is_valid():
            data = dispense_form.cleaned_data
            try:
                services.prescription_dispense(actor=request.user, prescription=order, lot=data["lot"],
                                               quantity=data["quantity"], idempotency_key=data["idempotency_key"])
            except ValidationError as error:
                apply_service_errors(dispense_form, error)
            else:
                messages.success(request, "Dispensed.")
                return redirect("hospital:prescription", prescription_id=order.pk)
    return render(request, "hospital/prescription.html", {
        "prescription": order, "dispense_form": dispense_form,
        "dispenses": order.dispenses.select_related("lot", "dispensed_by"),
        "doses": order.doses.select_related("recorded_by").exclude(status=Dose.Status.SCHEDULED).order_by("-given_at"),
        "can_change": access.user_has_code(request.user, "medication.prescribe", order.site_id),
        "status_form": forms.PrescriptionStatusForm(initial={"status": order.status})})


@login_required
@require_POST
def prescription_status(request, prescription_id):
    order = access.get_prescription_for_user(request.user, prescription_id, "medication.prescribe")
    form = forms.PrescriptionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.prescription_set_status(actor=request.user, prescription=order, **form.cleaned_data)
            messages.success(request, "Prescription updated.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("hospital:prescription", prescription_id=order.pk)


# ------------------------------------------------------------------ inventory
@login_required
@require_GET
def inventory(request, site_id):
    site = access.get_site_for_user(request.user, site_id, "inventory.manage")
    soon = timezone.localdate() + datetime.timedelta(days=30)
    return render(request, "hospital/inventory.html", {
        "site": site, "items": selectors.inventory_at(site=site), "soon": soon, "form": forms.StockMoveForm()})


@login_required
@require_POST
def stock_move(request, item_id):
    item = access.get_item_for_user(request.user, item_id)
    form = forms.StockMoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "receive":
                services.stock_receive(actor=request.user, item=item, lot_number=data["lot_number"] or "unlabelled",
                                       quantity=data["quantity"], expiry_date=data["expiry_date"])
            else:
                lot = (StockLot.objects.for_company(item.company_id).filter(item=item,
                                                                            lot_number=data["lot_number"]).first()
                       if data["lot_number"] else None)
                services.stock_adjust(actor=request.user, item=item, lot=lot, quantity=data["quantity"],
                                      reason=data["reason"])
            messages.success(request, f"{item.name}: stock updated.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Check the quantity and dates.")
    return redirect("hospital:inventory", site_id=item.site_id)

