"""The reference library as a program sees it, and its managers' private tags and case types."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.access import company_of
from apps.core.forms import apply_service_errors
from apps.reference import access, selectors, services
from apps.reference.models import CaseType, FeedbackTag
from apps.reference.web.forms import PrivateCaseTypeForm, PrivateFeedbackTagForm


def _require_manager(request):
    company = company_of(request.user)
    if not access.can_manage_private_reference(request.user):
        raise PermissionDenied
    return company


@login_required
def reference_library(request):
    company = access.library_reader_company(request.user)  # None: a platform superuser, shared rows only
    return render(request, "reference/library.html", {
        "epa_sets": selectors.epa_set_list_visible_to(company=company),
        "competencies": selectors.competency_list(),
        "milestone_sets": selectors.milestone_set_list_visible_to(company=company),
        "case_types": selectors.case_type_list_visible_to(company=company),
        "feedback_tags": selectors.feedback_tag_list_visible_to(company=company),
        "can_manage": access.can_manage_private_reference(request.user),
    })


@login_required
def feedback_tag_create(request):
    company = _require_manager(request)
    form = PrivateFeedbackTagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.feedback_tag_create_private(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Added private feedback tag “{tag.name}”.")
            return redirect("reference_library")
    return render(request, "reference/private_form.html", {"form": form, "title": "Add a private feedback tag"})


@login_required
def case_type_create(request):
    company = _require_manager(request)
    form = PrivateCaseTypeForm(request.POST or None, epa_queryset=selectors.epa_choices_for(company=company))
    if request.method == "POST" and form.is_valid():
        try:
            case_type = services.case_type_create_private(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Added private case type “{case_type.name}”.")
            return redirect("reference_library")
    return render(request, "reference/private_form.html", {"form": form, "title": "Add a private case type"})


@require_POST
@login_required
def feedback_tag_deactivate(request, tag_id):
    return _deactivate(request, FeedbackTag, tag_id)


@require_POST
@login_required
def case_type_deactivate(request, case_type_id):
    return _deactivate(request, CaseType, case_type_id)


def _deactivate(request, model, row_id):
    row = access.get_private_row_for_user(request.user, model, row_id)
    company = _require_manager(request)
    services.private_row_deactivate(actor=request.user, company=company, row=row)
    messages.success(request, f"Deactivated “{row.name}”.")
    return redirect("reference_library")
