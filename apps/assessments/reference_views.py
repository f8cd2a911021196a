"""The reference library as a program sees it, and its managers' private tags and case types."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.assessments import reference_selectors as selectors
from apps.assessments import reference_services as services
from apps.assessments.models import CaseType, FeedbackTag
from apps.assessments.reference_forms import PrivateCaseTypeForm, PrivateFeedbackTagForm, add_service_errors
from apps.tenants.access import company_of


def _require_manager(request):
    company = company_of(request.user)
    if not services.can_manage_private_reference(request.user):
        raise PermissionDenied
    return company


def _get_private_row_for_user(request, model, row_id):
    """A private row of the user's own company; shared rows and other companies' rows are 404."""
    company = company_of(request.user)
    row = model.objects.for_company(company).filter(pk=row_id).first()
    if row is None:
        raise Http404(f"No private {model._meta.verbose_name} here")
    if not services.can_manage_private_reference(request.user):
        raise PermissionDenied
    return company, row


@login_required
def reference_library(request):
    company = company_of(request.user)
    return render(request, "reference/library.html", {
        "epa_sets": selectors.epa_set_list_visible_to(company=company),
        "competencies": selectors.competency_list(),
        "milestone_sets": selectors.milestone_set_list_visible_to(company=company),
        "case_types": selectors.case_type_list_visible_to(company=company),
        "feedback_tags": selectors.feedback_tag_list_visible_to(company=company),
        "can_manage": services.can_manage_private_reference(request.user),
    })


@login_required
def feedback_tag_create(request):
    company = _require_manager(request)
    form = PrivateFeedbackTagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.feedback_tag_create_private(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
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
            add_service_errors(form, error)
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
    company, row = _get_private_row_for_user(request, model, row_id)
    services.private_row_deactivate(actor=request.user, company=company, row=row)
    messages.success(request, f"Deactivated “{row.name}”.")
    return redirect("reference_library")
