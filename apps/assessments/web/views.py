"""Assessment pages: the faculty form (signed in, or through a signed link), the learner's
assessments, requests with QR codes, and the coordinator's completion board. (A learner's
progress is the analytics page; /assessments/progress/ redirects there.)"""

import functools

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from apps.academics.models import Learner
from apps.academics.selectors import assignment_on, learners_for_assessor
from apps.assessments import access, selectors, services
from apps.assessments.models import AssessmentRequest, EPAAssessment
from apps.assessments.signing import LinkError, request_link_check, request_link_claims, request_link_path
from apps.assessments.web.forms import (
    AssessmentEditForm,
    AssessmentForm,
    AssessmentRequestForm,
    DeclineForm,
    ReasonForm,
)
from apps.core import rls
from apps.core.access import company_of
from apps.core.forms import apply_service_errors, uuid_param
from apps.core.idempotency import IdempotencyKeyError, idempotency_key
from apps.reference.models import EPA
from apps.tenants.access import has_role, require_roles
from apps.tenants.roles import ASSESSORS, LEARNERS, MANAGERS

SEARCH_MAX_LENGTH = 100  # cost limit on the learner search box (a name or an e-mail address)


def _entry_method(request) -> str:
    agent = request.headers.get("User-Agent", "")
    return EPAAssessment.EntryMethod.MOBILE_WEB if "Mobi" in agent else EPAAssessment.EntryMethod.WEB


# ------------------------------------------------------------------ hub and lists
@login_required
def index(request):
    """Faculty "to do" (open requests, recent assessments given), plus links by role."""
    user = request.user
    company_of(user)
    is_assessor = has_role(user, ASSESSORS)
    open_requests = list(selectors.request_list_for_assessor(assessor=user)[:50]) if is_assessor else []
    return render(request, "assessments/index.html", {
        "is_assessor": is_assessor, "is_learner": has_role(user, LEARNERS), "is_manager": has_role(user, MANAGERS),
        "open_requests": open_requests, "overdue_count": sum(r.is_overdue for r in open_requests),
        "given": selectors.assessment_list_given(assessor=user)[:20] if is_assessor else [],
        "now": timezone.now(),
    })


MINE_PAGE_SIZE = 25


@login_required
def mine(request):
    """The learner's assessments, newest first, 25 a page (COUNT + LIMIT/OFFSET in SQL)."""
    company_of(request.user)
    page = Paginator(selectors.assessment_list_for_learner(user=request.user), MINE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "assessments/mine.html", {
        "page": page, "assessments": page.object_list,
        "requests": selectors.request_list_for_learner(user=request.user)[:50],
    })


@login_required
def detail(request, assessment_id):
    assessment = access.get_assessment_for_user(request.user, assessment_id)
    return render(request, "assessments/detail.html", {
        "assessment": assessment,
        "can_acknowledge": access.can_acknowledge_assessment(request.user, assessment),
        "can_edit": access.can_change_assessment(request.user, assessment),
        "edit_deadline": access.assessment_edit_deadline(assessment),
        "can_delete": access.can_delete_assessment(request.user, assessment),
        "went_well": [link.tag for link in assessment.tag_links.all() if link.tag_type == "went_well"],
        "needs_work": [link.tag for link in assessment.tag_links.all() if link.tag_type == "needs_work"],
        "reason_form": ReasonForm(),
    })


@login_required
@require_POST
def acknowledge(request, assessment_id):
    assessment = access.get_assessment_for_user(request.user, assessment_id)
    services.assessment_acknowledge(actor=request.user, assessment=assessment)
    messages.success(request, "Acknowledged. Your faculty member can see you read it.")
    return redirect("assessments:detail", assessment_id=assessment.pk)


# ------------------------------------------------------------------ the form
def _form_kwargs(*, company_id, learners, epas, epa_id=None, epa_list=None, validating=True):
    """Choices for the assessment form: the entrustment levels are those of the chosen EPA's
    scale (the posted/given one, else the first EPA's). ``epa_list``: ``epas`` already read with
    their levels and case types (``selectors.epa_list_for_assessor``). ``validating=False``: the
    form is only rendered, so no case-type or tag queryset is built (their rows give the choices)."""
    if epa_list is None:
        epa_list = list(selectors.epas_with_scale_levels(epas, company_id=company_id))
    chosen = next((epa for epa in epa_list if str(epa.pk) == str(epa_id)), epa_list[0] if epa_list else None)
    return {"learners": learners, "epas": epas, "epa_list": epa_list, "company_id": company_id,
            "levels": (chosen.scale_levels or []) if chosen else [],
            "case_types": selectors.case_types_for_epas(company_id=company_id, epa_ids=[e.pk for e in epa_list])
            if validating else None,
            "case_type_rows": lambda: selectors.case_types_from(epa_list),
            "tags": selectors.feedback_tags_for(company_id=company_id) if validating else None}


@login_required
@require_roles(*ASSESSORS)
def new(request):
    """The form. Each render has its own idempotency key (the hidden ``submission_key``, also put
    in the address as ``?key=`` by assessments.js, so the back button returns to it): a POST or a
    render whose key is already used shows the saved assessment, never a second one. A POST does
    not look its key up first (issue 19: one read fewer per assessment saved): the key's unique
    constraint turns a second submission into a replay of the first (``assessment.replayed``), and
    a POST that is not saved looks the key up before showing errors."""
    user = request.user
    used_key = request.GET.get("key") if request.method == "GET" else None
    saved = selectors.assessment_given_with_key(assessor=user, key=used_key) if used_key else None
    if saved is not None:
        return _already_saved(request, saved)
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    today = timezone.localdate()

    def learners():  # the queryset: built when a POST validates its learner or ?learner= prefills one
        return learners_for_assessor(assessor=user, today=today, search=search).exclude(user=user)

    answering = _request_to_answer(request)
    initial = _prefill(request, learners, answering)
    if request.method == "GET" and _is_key(request.GET.get("key")):
        initial["submission_key"] = request.GET["key"]  # the back button to an unsaved form: same key
    form = AssessmentForm(request.POST or None, initial=initial, **_new_form_kwargs(
        user, learners=learners if request.method == "POST" else None, today=today, search=search,
        epa_id=request.POST.get("epa") or request.GET.get("epa")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = _submit(form, assessor=user, entry_method=_entry_method(request),
                                 request=answering if _answers(data, answering) else None)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if assessment.replayed:
                return _already_saved(request, assessment)
            messages.success(request, f"Assessment of {data['learner'].user} saved. They can see it now.")
            return redirect("assessments:detail", assessment_id=assessment.pk)
    if request.method == "POST":  # not saved now: a key already used shows its assessment, not errors
        saved = selectors.assessment_given_with_key(assessor=user, key=request.POST.get("submission_key"))
        if saved is not None:
            return _already_saved(request, saved)
    return render(request, "assessments/form.html", {"form": form, "search": search, "mode": "new"})


def _already_saved(request, saved):
    messages.info(request, f"This assessment of {saved.learner.user} was already saved; nothing was saved "
                           "twice. To assess again, open a new form.")
    return redirect("assessments:detail", assessment_id=saved.pk)


def _new_form_kwargs(user, *, learners, today, search="", epa_id=None) -> dict:
    """The new-assessment form's choices as rows (issue 19): learners and sites as (id, label),
    EPAs and tags from prepared reads; without a learner search, all four from one read (a POST
    reads its EPAs alone: a valid one needs no other list). ``learners``: a function giving the
    learner queryset when the form validates a POST, else None: a form only rendered builds no
    queryset at all."""
    company_id, validating = user.company_id, learners is not None
    if search:
        choices = {"learners": lambda: selectors.learner_choices(assessor=user, today=today, search=search),
                   "sites": lambda: selectors.site_choices(company_id=company_id),
                   "tags": lambda: selectors.feedback_tag_list(company_id=company_id),
                   "epas": lambda: selectors.epa_list_for_assessor(assessor=user)}
    else:
        together = functools.cache(lambda: selectors.form_choices(assessor=user, today=today, with_epas=not validating))
        choices = {name: functools.partial(lambda name: together()[name], name) for name in ("learners", "sites", "tags")}
        choices["epas"] = (lambda: selectors.epa_list_for_assessor(assessor=user)) if validating else (
            lambda: together()["epas"])
    return {"learner_choices": choices["learners"], "site_choices": choices["sites"], "tag_rows": choices["tags"],
            **_form_kwargs(company_id=company_id, learners=learners() if validating else None,
                           epas=selectors.epas_for_assessor(assessor=user) if validating else None,
                           epa_list=choices["epas"](), epa_id=epa_id, validating=validating)}


def _is_key(value) -> bool:
    try:
        idempotency_key(value)
    except IdempotencyKeyError:
        return False
    return True


def _request_to_answer(request):
    """``?request=<id>`` ("Assess now" on a request page): the signed-in assessor's own open request."""
    request_id = request.GET.get("request")
    if not request_id:
        return None
    try:
        answering = access.get_request_for_user(request.user, request_id)
    except Http404:
        return None
    return answering if access.can_answer_request(request.user, answering) else None


def _answers(data, answering) -> bool:
    """The form answers the request only for its learner and EPA (else the service matches one)."""
    return (answering is not None and data["learner"].pk == answering.learner_id
            and data["epa"].pk == answering.epa_id)


def _prefill(request, learners, answering=None) -> dict:
    """``learners()``: the learners the form offers. Schedule prefill: the chosen learner's rotation today gives the site. Answering a request:
    its learner, EPA, case date and case type."""
    if answering is not None:
        assignment = assignment_on(learner=answering.learner, day=answering.case_date)
        return {"learner": answering.learner, "epa": answering.epa, "assessment_date": answering.case_date,
                "case_type": answering.case_type, "site": assignment.site if assignment else None}
    learner_id = uuid_param(request, "learner")
    learner = learners().filter(pk=learner_id).first() if learner_id else None
    if learner is None:
        return {}
    assignment = assignment_on(learner=learner, day=timezone.localdate())
    return {"learner": learner, "site": assignment.site if assignment else None}


def _submit_fields(form) -> dict:
    """The form's input for the submit service (the API gives it the same way)."""
    data = form.cleaned_data
    return {"entrustment_level": data["entrustment_level"], "assessment_date": data["assessment_date"],
            "submission_key": data["submission_key"], "tags_went_well": data["tags_went_well"],
            "tags_needs_work": data["tags_needs_work"], **form.case_context()}


def _submit(form, *, assessor, entry_method, request=None):
    """The form's input into the one submit service; ``request``: the assessment request it answers.
    ``key_checked``: no look-up of the key before the INSERT (its unique constraint catches a
    replay; ``new`` looks it up only when the POST is not saved)."""
    data = form.cleaned_data
    learner = request.learner if request is not None else data["learner"]
    epa = request.epa if request is not None else data["epa"]
    return services.assessment_submit(assessor=assessor, learner=learner, epa=epa, entry_method=entry_method,
                                      request=request, key_checked=True, **_submit_fields(form))


def case_types(request):
    """htmx: the case-type <option>s for one EPA (the form works without it)."""
    if not request.user.is_authenticated or request.user.company_id is None:
        raise Http404
    epa_id = request.GET.get("epa", "")
    types = selectors.case_types_for_epas(company_id=request.user.company_id,
                                          epa_ids=[int(epa_id)] if epa_id.isdigit() else [])
    response = render(request, "assessments/case_type_options.html", {"case_types": types})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_roles(*ASSESSORS)
def entrustment_levels(request):
    """htmx: the entrustment-level radios of the chosen EPA's scale, so an assessor whose programs
    use different scales sees the right levels before posting. Without htmx the form still works:
    the posted EPA's scale validates the level and the error shows beside the field."""
    epa_id = request.GET.get("epa", "")
    kwargs = _form_kwargs(company_id=request.user.company_id, learners=Learner.objects.none(),
                          epas=selectors.epas_for_assessor(assessor=request.user), epa_id=epa_id)
    if epa_id and not any(str(epa.pk) == epa_id for epa in kwargs["epa_list"]):
        raise Http404("No such EPA among yours.")
    response = render(request, "assessments/levels_field.html", {"form": AssessmentForm(**kwargs), "mode": "new"})
    patch_vary_headers(response, ["HX-Request"])
    return response


# ------------------------------------------------------------------ signed link
def _request_for_link(request, token) -> AssessmentRequest:
    """The signed token names one (request, assessor). A signed-in person who is neither that
    assessor nor the request's learner gets 404: the link is not theirs to use."""
    try:
        claims = request_link_claims(token)
        rls.set_request_tenant(request, claims.company_id)  # row-level security: the signed link's company
        assessment_request = AssessmentRequest.objects.for_company(claims.company_id).select_related(
            "learner__user", "learner__program__epa_set", "assessor", "epa__epa_set", "case_type").get(
            pk=claims.request_id, assessor_id=claims.assessor_id)
    except (LinkError, AssessmentRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404("This link is not valid.")
    user = request.user
    if (user.is_authenticated and user.pk != assessment_request.assessor_id
            and user.pk != assessment_request.learner.user_id):
        raise Http404("This link is for someone else.")
    assessment_request.claims = claims
    return assessment_request


def _link_proof(request, assessment_request) -> str:
    """What proves the person at this browser is the assessor: their own session, the link only
    they were sent, or else (the learner's QR-code link, signed out) a code e-mailed to them now."""
    if request.user.is_authenticated and request.user.pk == assessment_request.assessor_id:
        return "session"
    return "assessor_link" if assessment_request.claims.proves_assessor else "email_code"


def link(request, token):
    assessment_request = _request_for_link(request, token)
    if request.user.is_authenticated and request.user.pk == assessment_request.learner.user_id:
        services.request_link_refused(request=assessment_request, visitor=request.user)
        return render(request, "assessments/link_error.html", {
            "title": "This form is not yours to fill in",
            "message": f"Only {assessment_request.assessor} can submit this assessment. Show them the QR code: "
                       "it opens the form on their phone, where they sign in or enter a code we e-mail them.",
        }, status=403)
    if request.method == "POST" and _already_answered_with(assessment_request, request.POST.get("submission_key")):
        return render(request, "assessments/link_done.html", {"request_": assessment_request})
    try:
        request_link_check(assessment_request, assessment_request.claims)
    except LinkError as error:
        return render(request, "assessments/link_error.html", {"message": str(error)}, status=410)
    if request.method == "GET":
        services.request_link_opened(request=assessment_request, visitor=request.user)
    return _link_form(request, assessment_request)


def _already_answered_with(assessment_request, key) -> bool:
    answered = EPAAssessment.all_objects.for_company(assessment_request.company_id).filter(
        request=assessment_request).values_list("submission_key", flat=True).first()
    return answered is not None and str(answered) == str(key)


def _link_form(request, assessment_request):
    proof = _link_proof(request, assessment_request)
    learners = assessment_request.learner.program.learners.filter(pk=assessment_request.learner_id)
    epas = EPA.objects.filter(pk=assessment_request.epa_id)
    initial = {"learner": assessment_request.learner, "epa": assessment_request.epa,
               "assessment_date": assessment_request.case_date, "case_type": assessment_request.case_type}
    sending_code = request.method == "POST" and "send_code" in request.POST and proof == "email_code"
    data = request.POST if request.method == "POST" and not sending_code else None
    if sending_code:  # keep what was filled in, without judging a form that is not submitted yet
        initial.update(_filled_in(request.POST))
    form = AssessmentForm(data, initial=initial, **_form_kwargs(
        company_id=assessment_request.company_id, learners=learners, epas=epas, epa_id=assessment_request.epa_id))
    for name in ("learner", "epa"):
        form.fields[name].disabled = True
    if proof == "email_code":
        form.fields["code"] = forms.CharField(
            required=False, max_length=6, label="Code from your e-mail", widget=forms.TextInput(attrs={
                "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "size": 6}))
    if sending_code:
        try:
            services.link_code_send(request=assessment_request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            sent_to = services.masked_email(assessment_request.assessor.email)
            messages.success(request, f"We e-mailed a 6-digit code to {sent_to}. Enter it below, then submit.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit_through_link(request=assessment_request, proof=proof,
                                                    code=form.cleaned_data.get("code", ""), **_submit_fields(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "assessments/link_done.html", {"request_": assessment_request})
    return render(request, "assessments/form.html", {
        "form": form, "mode": "link", "request_": assessment_request, "proof": proof,
        "code_to": services.masked_email(assessment_request.assessor.email),
        "login_next": request.get_full_path()})


def _filled_in(post) -> dict:
    """A posted form as initial values (lists for the tag checkboxes)."""
    values = {name: post.get(name) for name in post if name not in ("csrfmiddlewaretoken", "send_code", "code")}
    values.update({name: post.getlist(name) for name in ("tags_went_well", "tags_needs_work")})
    return values


# ------------------------------------------------------------------ edit, delete, restore
@login_required
def edit(request, assessment_id):
    assessment = access.get_assessment_for_user(request.user, assessment_id)
    if assessment.assessor_id != request.user.pk:
        raise PermissionDenied
    if not access.can_change_assessment(request.user, assessment):
        messages.error(request, "This assessment is locked: the edit window has closed.")
        return redirect("assessments:detail", assessment_id=assessment.pk)
    learners = assessment.program.learners.filter(pk=assessment.learner_id)
    epas = EPA.objects.filter(pk=assessment.epa_id)
    initial = {name: getattr(assessment, name) for name in services.EDITABLE_FIELDS}
    initial.update(learner=assessment.learner, epa=assessment.epa, submission_key=assessment.submission_key,
                   tags_went_well=[l.tag for l in assessment.tag_links.all() if l.tag_type == "went_well"],
                   tags_needs_work=[l.tag for l in assessment.tag_links.all() if l.tag_type == "needs_work"])
    form = AssessmentEditForm(request.POST or None, initial=initial, **_form_kwargs(
        company_id=assessment.company_id, learners=learners, epas=epas, epa_id=assessment.epa_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_edit(actor=request.user, assessment=assessment,
                                     entrustment_level=data["entrustment_level"],
                                     assessment_date=data["assessment_date"], tags_went_well=data["tags_went_well"],
                                     tags_needs_work=data["tags_needs_work"], **form.case_context())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Assessment updated.")
            return redirect("assessments:detail", assessment_id=assessment.pk)
    return render(request, "assessments/form.html", {"form": form, "mode": "edit", "assessment": assessment})


@login_required
@require_POST
def delete(request, assessment_id):
    assessment = access.get_assessment_for_user(request.user, assessment_id)
    if not access.can_delete_assessment(request.user, assessment):
        raise PermissionDenied
    try:
        services.assessment_soft_delete(actor=request.user, assessment=assessment,
                                        reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.message_dict.get("reason", error.messages)))
        return redirect("assessments:detail", assessment_id=assessment.pk)
    messages.success(request, "Assessment deleted. It no longer counts anywhere; you can restore it from the board.")
    return redirect("assessments:board")


@login_required
@require_POST
def restore(request, assessment_id):
    assessment = access.get_deleted_assessment_for_user(request.user, assessment_id)
    services.assessment_restore(actor=request.user, assessment=assessment)
    messages.success(request, "Assessment restored.")
    return redirect("assessments:detail", assessment_id=assessment.pk)


# ------------------------------------------------------------------ learner: requests
def _learner_for(request):
    learner = selectors.learner_records(user=request.user).first()
    if learner is None:
        raise PermissionDenied
    return learner


@login_required
@require_roles(*LEARNERS)
def request_new(request):
    learner = _learner_for(request)
    epas = EPA.objects.filter(epa_set_id=learner.program.epa_set_id)
    form = AssessmentRequestForm(request.POST or None, epas=epas, assessors=selectors.assessors_for_learner(
        learner=learner))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment_request = services.assessment_request_create(
                learner_user=request.user, learner=learner, assessor=data["assessor"], epa=data["epa"],
                case_date=data["case_date"], note=data["note"], submission_key=data["submission_key"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Request sent to {data['assessor']}. Show them the QR code or they can use the emailed link.")
            return redirect("assessments:request_detail", request_id=assessment_request.pk)
    return render(request, "assessments/request_form.html", {"form": form, "learner": learner})


@login_required
def request_detail(request, request_id, decline_form=None):
    assessment_request = access.get_request_for_user(request.user, request_id)
    show_link = (assessment_request.learner.user_id == request.user.pk
                 and assessment_request.status == AssessmentRequest.Status.OPEN)
    link_url = request.build_absolute_uri(request_link_path(assessment_request)) if show_link else ""
    can_answer = access.can_answer_request(request.user, assessment_request)
    return render(request, "assessments/request_detail.html", {
        "request_": assessment_request, "link_url": link_url,
        "qr_data_uri": segno.make(link_url, error="m").svg_data_uri(scale=5) if link_url else "",
        "can_answer": can_answer, "can_cancel": access.can_cancel_request(request.user, assessment_request),
        "decline_form": decline_form or (DeclineForm() if can_answer else None),
        "is_overdue": AssessmentRequest.objects.for_company(assessment_request.company_id).overdue().filter(
            pk=assessment_request.pk).exists() if can_answer else False,
    }, status=400 if decline_form is not None else 200)


@login_required
@require_POST
def request_decline(request, request_id):
    """The faculty member asked declines, with a reason the learner reads."""
    assessment_request = access.get_request_for_user(request.user, request_id)
    if assessment_request.assessor_id != request.user.pk:
        raise PermissionDenied
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_request_decline(actor=request.user, request=assessment_request,
                                                reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Declined. {assessment_request.learner.user} is told why.")
            return redirect("assessments:index")
    return request_detail(request, request_id=request_id, decline_form=form)


@login_required
@require_POST
def request_cancel(request, request_id):
    """The learner withdraws their own open request."""
    assessment_request = access.get_request_for_user(request.user, request_id)
    if assessment_request.learner.user_id != request.user.pk:
        raise PermissionDenied
    try:
        services.assessment_request_cancel(actor=request.user, request=assessment_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Request cancelled. Its link no longer works.")
    return redirect("assessments:request_detail", request_id=assessment_request.pk)


# ------------------------------------------------------------------ coordinator
@login_required
@require_roles(*MANAGERS)
def board(request):
    return render(request, "assessments/board.html", {
        "board": selectors.completion_board(user=request.user),
        "deleted": selectors.assessment_deleted_for_manager(user=request.user)[:100],
    })
