"""Physio pages. Objects come through apps.physio.access (404 outside the company, 403 without the
code); writes go through the services; every read of patient data is access-logged."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.clinical.models import Case
from apps.core import rls
from apps.physio import access, bodymap, charts, selectors, signing
from apps.physio.models import (
    EVALUATION_SECTIONS,
    Channel,
    EvaluationTemplate,
    Exercise,
    IntakeForm,
    IntakeInstance,
    PainType,
    PlanTemplate,
    PromInstance,
    PromSchedule,
    PromTemplate,
    SignedEvaluationError,
    TreatmentPlan,
)
from apps.physio.scoring import registry
from apps.physio.services import bookings as booking_services
from apps.physio.services import evaluations as evaluation_services
from apps.physio.services import intake as intake_services
from apps.physio.services import plans as plan_services
from apps.physio.services import proms as prom_services
from apps.tenants.access import company_of


def _errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: " ".join(messages_) for field, messages_ in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _key(request):
    return _uuid(request.POST.get("idempotency_key"))


def _one(queryset, value):
    """A row of the user's company picked in a form (a foreign or malformed id is None)."""
    pk = _uuid(value)
    return queryset.filter(pk=pk).first() if pk else None


# ------------------------------------------------------------------ workspace
@login_required
@require_GET
def home(request):
    company = company_of(request.user)
    user = request.user
    if not (access.can_read_physio(user) or access.can_send_proms(user) or access.can_book(user)):
        raise PermissionDenied
    from apps.physio.models import PromFlag, PromResponse

    context = {"flags": [], "recent": [], "bookings": [], "intakes": []}
    if access.can_read_physio(user):
        context["flags"] = list(PromFlag.objects.for_company(company).filter(acknowledged_at__isnull=True)
                                .select_related("patient", "response").order_by("-created_at")[:20])
        context["recent"] = list(PromResponse.objects.for_company(company).select_related(
            "patient", "template_version__template").order_by("-submitted_at")[:15])
    if access.can_book(user):
        context["bookings"] = list(selectors.booking_queue(company)[:20])
    if access.can_send_proms(user):
        context["intakes"] = list(selectors.intakes_to_review(company)[:20])
    context.update(can_library=access.can_manage_library(user), can_read=access.can_read_physio(user))
    return render(request, "physio/home.html", context)


# ------------------------------------------------------------------ the patient's physio page
def _patient_context(request, patient, full=True):
    """The physio record; without ``chart.read`` (reception sending forms) only what is sent."""
    company = patient.company_id
    context = {
        "patient": patient, "full": full, "summaries": [], "trends": [], "flags": [], "pain_maps": [],
        "evaluations": [], "plans": [], "visits": [],
        "instances": selectors.instances_for(patient),
        "schedules": list(PromSchedule.objects.for_company(company).filter(patient=patient, is_active=True)
                          .select_related("template")),
        "templates": list(selectors.templates_of(company)),
        "intake_forms": list(IntakeForm.objects.for_company(company).filter(is_active=True)),
        "intakes": list(IntakeInstance.objects.for_company(company).filter(patient=patient).select_related("form")[:10]),
        "channels": Channel.choices, "modes": PromSchedule.Mode.choices,
        "can_send": access.can_send_proms(request.user), "can_write": access.can_write_physio(request.user),
        "idempotency_key": uuid.uuid4(),
    }
    if full:
        responses = selectors.responses_for(patient)
        by_code = {}
        for response in responses:
            by_code.setdefault(response.instrument, []).append(response)
        context.update(
            summaries=selectors.summaries(responses),
            trends=[charts.trend(code, rows) for code, rows in sorted(by_code.items())],
            flags=list(selectors.open_flags(patient)), pain_maps=selectors.pain_maps(patient),
            evaluations=list(selectors.evaluations_for(patient)[:20]), plans=list(selectors.plans_for(patient)[:20]),
            visits=list(patient.visits.select_related("case").order_by("-visited_at")[:10]))
    return context


@login_required
def patient(request, patient_id):
    """Everything physio about one patient; POST sends a PROM, schedules one or sends an intake form.
    Reception (``prom.send`` without ``chart.read``) sees only the sending part."""
    full = access.can_read_physio(request.user)
    patient = access.get_patient_for_user(request.user, patient_id, access.READ if full else access.SEND)
    errors = {}
    if request.method == "POST":
        errors = _patient_post(request, patient)
        if not errors:
            return redirect("physio:patient", patient_id=patient.pk)
    access.log_patient_access(request, patient, "physio")
    context = _patient_context(request, patient, full=full)
    context["errors"] = errors
    return render(request, "physio/patient.html", context, status=400 if errors else 200)


def _patient_post(request, patient) -> dict:
    if not access.can_send_proms(request.user):
        raise PermissionDenied
    action, company = request.POST.get("action"), patient.company_id
    plans = TreatmentPlan.objects.for_company(company).filter(patient=patient)
    try:
        if action == "send_prom":
            template = _one(PromTemplate.objects.for_company(company), request.POST.get("template"))
            if template is None:
                return {"template": "Choose a questionnaire."}
            case = _one(Case.objects.for_company(company).filter(patient=patient), request.POST.get("case"))
            prom_services.prom_send(actor=request.user, patient=patient, template=template,
                                    channel=request.POST.get("channel", Channel.EMAIL), case=case,
                                    plan=_one(plans, request.POST.get("plan")), idempotency_key=_key(request))
            messages.success(request, f"Sent {template.name} to {patient.full_name}.")
        elif action == "schedule":
            template = _one(PromTemplate.objects.for_company(company), request.POST.get("template"))
            if template is None:
                return {"template": "Choose a questionnaire."}
            prom_services.prom_schedule_create(
                actor=request.user, patient=patient, template=template, mode=request.POST.get("mode", "once"),
                interval=request.POST.get("interval") or 0, channel=request.POST.get("channel", Channel.EMAIL),
                plan=_one(plans, request.POST.get("plan")))
            messages.success(request, f"Scheduled {template.name}; the first one is on its way.")
        elif action == "send_intake":
            form = _one(IntakeForm.objects.for_company(company), request.POST.get("form"))
            if form is None:
                return {"form": "Choose an intake form."}
            intake_services.intake_send(actor=request.user, patient=patient, form=form,
                                        channel=request.POST.get("channel", "email"))
            messages.success(request, f"Sent the intake form to {patient.full_name}.")
        else:
            return {"__all__": "Unknown action."}
    except ValidationError as error:
        return _errors(error)
    return {}


@login_required
@require_GET
def chart_card(request, patient_id):
    """The chart's outcome-measure card (htmx swaps it in; without JavaScript a page of its own)."""
    patient = access.get_patient_for_user(request.user, patient_id, access.READ)
    access.log_patient_access(request, patient, "physio:chart_card")
    context = {"section": {**selectors.chart_summary(patient), "patient": patient}, "patient": patient}
    template = "physio/_chart_card.html" if request.htmx else "physio/chart_card.html"
    return render(request, template, context)


@login_required
@require_GET
def trend(request, patient_id, instrument):
    """One instrument's scores over time, with the band shading and the MCID."""
    patient = access.get_patient_for_user(request.user, patient_id, access.READ)
    if instrument not in registry.INSTRUMENTS:
        raise Http404("No such instrument")
    responses = [r for r in selectors.responses_for(patient) if r.instrument == instrument]
    access.log_patient_access(request, patient, f"physio:trend:{instrument}")
    return render(request, "physio/trend.html", {"patient": patient, "chart": charts.trend(instrument, responses),
                                                 "responses": responses, "instrument": registry.get(instrument)})


# ------------------------------------------------------------------ evaluations
def _evaluation_form_context(evaluation=None, template=None, content=None, red_flags=None, errors=None):
    template = template or (evaluation.template if evaluation else None)
    content = content if content is not None else (evaluation.content if evaluation else {})
    prompts = template.prompts if template else {}
    return {"sections": [{"key": key, "label": label, "value": content.get(key, ""), "prompt": prompts.get(key, "")}
                         for key, label in EVALUATION_SECTIONS],
            "red_flag_questions": [{"q": q, "answer": (red_flags if red_flags is not None else
                                                       (evaluation.red_flags if evaluation else {})).get(q, "")}
                                   for q in (template.red_flag_questions if template else [])],
            "template": template, "errors": errors or {}}


def _posted_evaluation(request, template):
    content = {key: request.POST.get(key, "") for key, _ in EVALUATION_SECTIONS}
    questions = template.red_flag_questions if template else []
    red_flags = {q: request.POST.get(f"red_flag_{i}", "") for i, q in enumerate(questions)}
    return content, red_flags


@login_required
def evaluation_new(request, visit_id):
    visit = access.get_visit_for_user(request.user, visit_id, access.WRITE)
    templates = EvaluationTemplate.objects.for_company(visit.company_id).filter(is_active=True)
    template = _one(templates, request.GET.get("template") or request.POST.get("template")) or templates.first()
    errors = {}
    if request.method == "POST":
        content, red_flags = _posted_evaluation(request, template)
        try:
            evaluation = evaluation_services.evaluation_start(actor=request.user, visit=visit, template=template,
                                                              content=content, red_flags=red_flags,
                                                              idempotency_key=_key(request))
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("physio:evaluation", evaluation_id=evaluation.pk)
        context = _evaluation_form_context(template=template, content=content, red_flags=red_flags, errors=errors)
    else:
        context = _evaluation_form_context(template=template)
    access.log_patient_access(request, visit.patient, "physio:evaluation_new")
    context.update(visit=visit, patient=visit.patient, templates=templates,
                   idempotency_key=request.POST.get("idempotency_key") or uuid.uuid4())
    return render(request, "physio/evaluation_form.html", context, status=400 if errors else 200)


@login_required
def evaluation(request, evaluation_id):
    evaluation = access.get_evaluation_for_user(request.user, evaluation_id)
    errors = {}
    if request.method == "POST":
        if not access.can_edit_evaluation(request.user, evaluation):
            raise PermissionDenied
        content, red_flags = _posted_evaluation(request, evaluation.template)
        try:
            evaluation_services.evaluation_save(actor=request.user, evaluation=evaluation, content=content,
                                                red_flags=red_flags)
        except (ValidationError, SignedEvaluationError) as error:
            errors = _errors(error) if isinstance(error, ValidationError) else {"__all__": str(error)}
        else:
            messages.success(request, "Saved.")
            return redirect("physio:evaluation", evaluation_id=evaluation.pk)
    access.log_patient_access(request, evaluation.patient, "physio:evaluation")
    context = _evaluation_form_context(evaluation=evaluation, errors=errors)
    context.update(evaluation=evaluation, patient=evaluation.patient, visit=evaluation.visit,
                   can_edit=access.can_edit_evaluation(request.user, evaluation),
                   can_sign=access.can_sign_evaluation(request.user, evaluation),
                   digest_valid=evaluation_services.evaluation_digest_matches(evaluation))
    return render(request, "physio/evaluation.html", context, status=400 if errors else 200)


@login_required
@require_POST
def evaluation_sign(request, evaluation_id):
    evaluation = access.get_evaluation_for_user(request.user, evaluation_id)
    if not access.can_sign_evaluation(request.user, evaluation):
        raise PermissionDenied
    try:
        evaluation_services.evaluation_sign(actor=request.user, evaluation=evaluation)
    except (ValidationError, SignedEvaluationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "Signed.")
    return redirect("physio:evaluation", evaluation_id=evaluation.pk)


# ------------------------------------------------------------------ pain and the body map
ROWS = 8


def _posted_regions(request) -> list[dict]:
    rows = []
    for n in range(ROWS):
        picked = request.POST.get(f"region_{n}", "")
        if not picked:
            continue
        region, _, side = picked.partition(":")
        rows.append({"region": region, "side": side, "intensity": request.POST.get(f"intensity_{n}", ""),
                     "pain_type": request.POST.get(f"type_{n}", "")})
    return rows


@login_required
def pain_new(request, visit_id):
    """NPRS now/best/worst, pain types, factors and the body map. Tapping a region (a submit button
    in the SVG) re-shows the form with that region added; the select rows work without the SVG."""
    visit = access.get_visit_for_user(request.user, visit_id, access.WRITE)
    errors, rows = {}, []
    if request.method == "POST":
        rows = _posted_regions(request)
        picked = request.POST.get("pick", "")
        if picked:
            region, _, side = picked.partition(":")
            if region in bodymap.REGION_CODES and side in bodymap.sides_of(region) and \
                    not any(r["region"] == region and r["side"] == side for r in rows):
                rows.append({"region": region, "side": side, "intensity": "5", "pain_type": PainType.ACHING})
        else:
            try:
                evaluation_services.pain_assessment_record(
                    actor=request.user, visit=visit, nprs_now=request.POST.get("nprs_now"),
                    nprs_best=request.POST.get("nprs_best"), nprs_worst=request.POST.get("nprs_worst"),
                    pain_types=request.POST.getlist("pain_types"), aggravating=request.POST.get("aggravating", ""),
                    easing=request.POST.get("easing", ""), regions=rows, idempotency_key=_key(request))
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(request, "Pain assessment saved.")
                return redirect("physio:patient", patient_id=visit.patient_id)
    access.log_patient_access(request, visit.patient, "physio:pain_new")
    marks = {(r["region"], r["side"]): {"intensity": int(r["intensity"]) if str(r["intensity"]).isdigit() else 0,
                                       "pain_type": r["pain_type"]} for r in rows}
    padded = rows + [{"region": "", "side": "", "intensity": "", "pain_type": ""}] * (ROWS - len(rows))
    return render(request, "physio/pain_form.html", {
        "visit": visit, "patient": visit.patient, "views": bodymap.views(marks), "rows": padded[:ROWS],
        "region_choices": bodymap.choices(), "pain_types": PainType.choices, "errors": errors, "post": request.POST,
        "picked_types": request.POST.getlist("pain_types"), "scale": range(11),
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4()}, status=400 if errors else 200)


# ------------------------------------------------------------------ plans
@login_required
def plan_new(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, access.WRITE)
    templates = PlanTemplate.objects.for_company(patient.company_id).filter(is_active=True)
    cases = Case.objects.for_company(patient.company_id).filter(patient=patient)
    errors = {}
    if request.method == "POST":
        try:
            plan = plan_services.plan_create(
                actor=request.user, patient=patient, title=request.POST.get("title", ""),
                start_date=request.POST.get("start_date") or None,
                template=_one(templates, request.POST.get("template")), case=_one(cases, request.POST.get("case")),
                idempotency_key=_key(request))
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("physio:plan", plan_id=plan.pk)
    access.log_patient_access(request, patient, "physio:plan_new")
    return render(request, "physio/plan_form.html", {"patient": patient, "templates": templates, "cases": cases,
                                                     "errors": errors, "post": request.POST,
                                                     "idempotency_key": uuid.uuid4()}, status=400 if errors else 200)


@login_required
def plan(request, plan_id):
    """The plan; POST adds a phase, an exercise or a milestone, or marks a milestone achieved."""
    plan = access.get_plan_for_user(request.user, plan_id)
    errors = {}
    if request.method == "POST":
        if not access.can_write_physio(request.user):
            raise PermissionDenied
        errors = _plan_post(request, plan)
        if not errors:
            return redirect("physio:plan", plan_id=plan.pk)
    phases, milestones = selectors.plan_detail(plan)
    access.log_patient_access(request, plan.patient, "physio:plan")
    return render(request, "physio/plan.html", {
        "plan": plan, "patient": plan.patient, "phases": phases, "milestones": milestones, "errors": errors,
        "exercises": Exercise.objects.for_company(plan.company_id).filter(is_active=True),
        "can_write": access.can_write_physio(request.user)}, status=400 if errors else 200)


def _plan_post(request, plan) -> dict:
    from apps.physio.models import PlanMilestone, PlanPhase

    action = request.POST.get("action")
    try:
        if action == "phase":
            plan_services.plan_phase_add(actor=request.user, plan=plan, name=request.POST.get("name"),
                                         weeks=request.POST.get("weeks") or 2)
        elif action == "exercise":
            phase = _one(PlanPhase.objects.for_company(plan.company_id).filter(plan=plan), request.POST.get("phase"))
            exercise = _one(Exercise.objects.for_company(plan.company_id), request.POST.get("exercise"))
            if phase is None or exercise is None:
                return {"exercise": "Choose a phase and an exercise."}
            plan_services.plan_exercise_add(actor=request.user, phase=phase, exercise=exercise, data=request.POST)
        elif action == "milestone":
            plan_services.plan_milestone_add(actor=request.user, plan=plan, title=request.POST.get("title"),
                                             target_date=request.POST.get("target_date") or None)
        elif action == "achieve":
            milestone = _one(PlanMilestone.objects.for_company(plan.company_id).filter(plan=plan),
                             request.POST.get("milestone"))
            if milestone is None:
                return {"milestone": "Unknown milestone."}
            plan_services.plan_milestone_achieve(actor=request.user, milestone=milestone)
        else:
            return {"__all__": "Unknown action."}
    except ValidationError as error:
        return _errors(error)
    return {}


def _handout(request, plan, template="physio/handout.html", extra=None):
    phases, milestones = selectors.plan_detail(plan)
    access.log_patient_access(request, plan.patient, "physio:handout")
    return render(request, template, {"plan": plan, "patient": plan.patient, "phases": phases,
                                      "milestones": milestones, **(extra or {})})


@login_required
@require_GET
def plan_handout(request, plan_id):
    return _handout(request, access.get_plan_for_user(request.user, plan_id))


# ------------------------------------------------------------------ PROM responses and flags
@login_required
@require_GET
def response(request, response_id):
    response = access.get_prom_response_for_user(request.user, response_id)
    version = response.template_version
    labels = response.answers.get("_labels", {})
    rows = [{"label": labels.get(item["key"]) or item["label"], "key": item["key"],
             "answer": next((o["label"] for o in item["options"] if o["value"] == response.answers.get(item["key"])),
                            "— not answered")} for item in version.items]
    access.log_patient_access(request, response.patient, "physio:prom_response")
    return render(request, "physio/response.html", {
        "response": response, "patient": response.patient, "rows": rows, "instrument": registry.get(response.instrument),
        "flags": list(response.flags.select_related("acknowledged_by")),
        "subscales": [(s.label, response.subscales.get(s.key)) for s in registry.get(response.instrument).subscales]})


@login_required
@require_POST
def flag_acknowledge(request, flag_id):
    flag = access.get_prom_flag_for_user(request.user, flag_id)
    try:
        prom_services.prom_flag_acknowledge(actor=request.user, flag=flag, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Flag acknowledged.")
    return redirect("physio:patient", patient_id=flag.patient_id)


# ------------------------------------------------------------------ reception: booking requests
@login_required
@require_GET
def bookings(request):
    company = company_of(request.user)
    if not access.can_book(request.user):
        raise PermissionDenied
    return render(request, "physio/bookings.html", {"requests": list(selectors.booking_queue(company)[:100])})


@login_required
def booking_book(request, request_id):
    """Reception turns a request into an appointment (scheduling's booking rules apply)."""
    import datetime
    from zoneinfo import ZoneInfo

    from apps.clinical.selectors.patients import people_with, sites_with
    from apps.scheduling.models import ServiceType

    booking = access.get_booking_request_for_user(request.user, request_id)
    company = booking.company_id
    sites = sites_with(user=request.user, code="appointment.manage")
    practitioners = people_with(company=company, code="physio.write")
    services = ServiceType.objects.for_company(company).filter(active=True).order_by("name")
    errors = {}
    if request.method == "POST":
        site = _one(sites, request.POST.get("site"))
        practitioner = _one(practitioners, request.POST.get("practitioner"))
        service_type = _one(services, request.POST.get("service_type"))
        try:
            local = datetime.datetime.fromisoformat(request.POST.get("start", ""))
        except ValueError:
            local = None
        if site is None or practitioner is None or service_type is None or local is None or local.tzinfo:
            errors = {"__all__": "Choose a site, a practitioner, a service and a start time."}
        else:
            try:
                booking_services.booking_request_book(
                    actor=request.user, booking=booking, practitioner=practitioner, site=site,
                    service_type=service_type, start=local.replace(tzinfo=ZoneInfo(site.time_zone)),
                    idempotency_key=_key(request))
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(request, f"Booked {booking.patient.full_name}.")
                return redirect("physio:bookings")
    access.log_patient_access(request, booking.patient, "physio:booking")
    return render(request, "physio/booking_book.html", {
        "booking": booking, "sites": sites, "practitioners": practitioners, "services": services, "errors": errors,
        "post": request.POST, "idempotency_key": uuid.uuid4()}, status=400 if errors else 200)


@login_required
@require_POST
def booking_dismiss(request, request_id):
    booking = access.get_booking_request_for_user(request.user, request_id)
    try:
        booking_services.booking_request_dismiss(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("physio:bookings")


# ------------------------------------------------------------------ outcomes report, library
@login_required
@require_GET
def outcomes(request):
    company = company_of(request.user)
    if not (access.can_manage_library(request.user) or access.can_read_physio(request.user)):
        raise PermissionDenied
    return render(request, "physio/outcomes.html", selectors.outcomes_report(company))


@login_required
def library(request):
    """The exercise library (and the PROM templates): library.manage adds and sets up."""
    company = company_of(request.user)
    if not (access.can_manage_library(request.user) or access.can_write_physio(request.user)):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        if not access.can_manage_library(request.user):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "templates":
                created = prom_services.prom_templates_ensure(actor=request.user, company=company)
                messages.success(request, f"{len(created)} questionnaire templates added.")
            else:
                exercise = plan_services.exercise_save(actor=request.user, company=company, data=request.POST)
                messages.success(request, f"Added {exercise.name}.")
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("physio:library")
    return render(request, "physio/library.html", {
        "exercises": Exercise.objects.for_company(company).order_by("name"),
        "templates": PromTemplate.objects.for_company(company).order_by("name"),
        "plan_templates": PlanTemplate.objects.for_company(company).prefetch_related("phases"),
        "can_manage": access.can_manage_library(request.user), "errors": errors, "post": request.POST},
        status=400 if errors else 200)


# ------------------------------------------------------------------ intake review
@login_required
def intake_review(request, intake_id):
    intake = access.get_intake_for_user(request.user, intake_id)
    errors = {}
    if request.method == "POST":
        try:
            intake_services.intake_review(actor=request.user, intake=intake, accept=request.POST.getlist("accept"))
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "Intake reviewed.")
            return redirect("physio:patient", patient_id=intake.patient_id)
    access.log_patient_access(request, intake.patient, "physio:intake")
    questions = [{"label": q.get("label"), "answer": intake.answers.get(q.get("key"), "")}
                 for q in intake.form.questions if isinstance(q, dict)]
    return render(request, "physio/intake_review.html", {
        "intake": intake, "patient": intake.patient, "changes": intake_services.intake_changes(intake)
        if intake.review == IntakeInstance.Review.PENDING else [], "questions": questions, "errors": errors},
        status=400 if errors else 200)


# ------------------------------------------------------------------ signed links (no login)
def _not_for_another_company(request, claims):
    """A signed-in person of another company never opens this clinic's link (404): the link is
    the patient's, and their clinic's staff may open it for them on a clinic tablet."""
    user = request.user
    if user.is_authenticated and str(user.company_id) != claims.company_id:
        raise Http404("This link is not valid.")


def _prom_for_link(request, token) -> PromInstance:
    """The instance the token names, looked up in the token's company by the instance's UUID."""
    try:
        claims = signing.prom_claims(token)
        _not_for_another_company(request, claims)
        if not request.user.is_authenticated:
            rls.set_request_tenant(request, claims.company_id)
        return (PromInstance.objects.for_company(claims.company_id)
                .select_related("template_version__template", "patient", "company").get(pk=claims.instance_id))
    except (signing.LinkError, PromInstance.DoesNotExist, ValueError, ValidationError):
        raise Http404("This link is not valid.") from None


def _link_items(instance, answers):
    labels = answers.get("_labels", {})
    return [{**item, "answer": answers.get(item["key"]), "custom_label": labels.get(item["key"], "")}
            for item in instance.template_version.items]


def prom_link(request, token):
    """The patient's phone-first form. GET shows it (answers saved so far are filled in); POST submits."""
    instance = _prom_for_link(request, token)
    try:
        prom_services.link_check(instance)
    except ValidationError as error:
        used = isinstance(error, prom_services.LinkUsed)
        return render(request, "physio/link_closed.html", {"message": error.messages[0], "used": used,
                                                          "company": instance.company}, status=410)
    errors = {}
    answers = dict(instance.draft_answers)
    if request.method == "POST":
        keys = [item["key"] for item in instance.template_version.items]
        answers = {key: request.POST.get(key) for key in keys if request.POST.get(key) not in (None, "")}
        labels = {key: request.POST.get(f"label_{key}", "") for key in keys if request.POST.get(f"label_{key}")}
        try:
            response = prom_services.prom_submit(instance=instance, answers=answers, labels=labels)
        except ValidationError as error:
            errors = _errors(error)
        else:
            return render(request, "physio/link_done.html", {"response": response, "company": instance.company})
    else:
        prom_services.prom_link_open(instance=instance)
    version = instance.template_version
    instrument = registry.get(version.instrument)
    return render(request, "physio/link_form.html", {
        "instance": instance, "token": token, "items": _link_items(instance, answers), "errors": errors,
        "instrument": instrument, "stem": _stem(version.instrument), "company": instance.company,
        "template": version.template}, status=400 if errors else 200)


def _stem(code):
    from apps.physio.scoring.fixtures import load

    return {"phq9": load("phq9.json")["stem"], "gad7": load("gad7.json")["stem"]}.get(code, "")


@require_POST
def prom_autosave(request, token):
    """htmx: one answer saved as the patient gives it. Answers 204 (nothing to swap) or 4xx."""
    instance = _prom_for_link(request, token)
    key = request.POST.get("item", "")
    try:
        prom_services.prom_autosave(instance=instance, key=key, value=request.POST.get(key, request.POST.get("value")),
                                    label=request.POST.get(f"label_{key}"))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=410 if isinstance(error, prom_services.LinkUsed) else 400,
                            content_type="text/plain")
    return HttpResponse("Saved", content_type="text/plain")


def _intake_for_link(request, token) -> IntakeInstance:
    try:
        claims = signing.intake_claims(token)
        _not_for_another_company(request, claims)
        if not request.user.is_authenticated:
            rls.set_request_tenant(request, claims.company_id)
        return (IntakeInstance.objects.for_company(claims.company_id).select_related("form", "patient", "company")
                .get(pk=claims.instance_id))
    except (signing.LinkError, IntakeInstance.DoesNotExist, ValueError, ValidationError):
        raise Http404("This link is not valid.") from None


def intake_link(request, token):
    intake = _intake_for_link(request, token)
    try:
        intake_services.link_check(intake)
    except ValidationError as error:
        return render(request, "physio/link_closed.html", {"message": error.messages[0], "company": intake.company,
                                                          "used": intake.link_used_at is not None}, status=410)
    errors = {}
    values = dict(intake.draft)
    if request.method == "POST":
        keys = intake_services.intake_keys(intake.form)
        values = {key: request.POST.get(key, "") for key in keys}
        try:
            intake_services.intake_submit(intake=intake, answers=values, consent=request.POST.get("consent") == "yes")
        except ValidationError as error:
            errors = _errors(error)
        else:
            return render(request, "physio/link_done.html", {"company": intake.company, "intake": True})
    from apps.physio.models import PATIENT_FIELDS

    patient = intake.patient
    fields = [{"key": f, "label": f.replace("_", " ").capitalize(), "value": values.get(f, getattr(patient, f))}
              for f in PATIENT_FIELDS]
    questions = [{"key": q["key"], "label": q.get("label", q["key"]), "value": values.get(q["key"], "")}
                 for q in intake.form.questions if isinstance(q, dict) and q.get("key")]
    return render(request, "physio/intake_form.html", {"intake": intake, "token": token, "fields": fields,
                                                       "questions": questions, "errors": errors,
                                                       "company": intake.company}, status=400 if errors else 200)


@require_POST
def intake_autosave(request, token):
    intake = _intake_for_link(request, token)
    key = request.POST.get("field", "")
    try:
        intake_services.intake_autosave(intake=intake, key=key, value=request.POST.get(key, ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return HttpResponse("Saved", content_type="text/plain")


# ------------------------------------------------------------------ the patient portal
@login_required
@require_GET
def portal(request):
    from apps.clinical.access import portal_patient_for

    patient = portal_patient_for(request.user)
    plans = list(selectors.plans_for(patient).filter(status=TreatmentPlan.Status.ACTIVE))
    return render(request, "physio/portal.html", {"patient": patient, "plans": plans})


@login_required
def portal_plan(request, plan_id):
    """The patient's own plan as a printable handout, with a feedback form per exercise."""
    plan = access.get_portal_plan_for_user(request.user, plan_id)
    return _handout(request, plan, "physio/portal_plan.html", {"portal": True, "difficulties": [
        (1, "Easy"), (2, "About right"), (3, "Hard")], "idempotency_key": uuid.uuid4(), "scale": range(11)})


@login_required
@require_POST
def portal_feedback(request, plan_exercise_id):
    plan_exercise = access.get_plan_exercise_for_portal(request.user, plan_exercise_id)
    try:
        plan_services.feedback_record(
            actor=request.user, plan_exercise=plan_exercise, session_date=request.POST.get("session_date") or None,
            done=request.POST.get("done", "yes") == "yes", pain_during=request.POST.get("pain_during"),
            difficulty=request.POST.get("difficulty"), comment=request.POST.get("comment", ""),
            idempotency_key=uuid.uuid5(_key(request), str(plan_exercise.pk)) if _key(request) else None)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Thanks — {plan_exercise.exercise.name} recorded.")
    return redirect("physio:portal_plan", plan_id=plan_exercise.phase.plan_id)
