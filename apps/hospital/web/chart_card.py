"""The patient chart's hospital card (admissions, results, medications at every site). The chart
shows a placeholder (apps.hospital.nav.patient_section) that htmx swaps for this fragment when it
scrolls into view; without JavaScript the link opens it as a page of its own. Every load is in
the access log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.clinical.access import get_patient_for_user, log_patient_access
from apps.hospital import access, selectors


def can_see_hospital_record(user) -> bool:
    return any(access.user_has_code(user, code) for code in ("ward.read", "lab.read", "chart.read"))


@login_required
@require_GET
def chart_card(request, patient_id):
    patient = get_patient_for_user(request.user, patient_id)
    if not can_see_hospital_record(request.user):
        raise PermissionDenied
    record = selectors.patient_hospital_record(patient=patient)
    if not access.user_has_code(request.user, "lab.read"):
        record["results"] = None
    log_patient_access(request, patient, "hospital:chart_card")
    context = {"section": {"hospital": record, "patient": patient}, "patient": patient}
    response = render(request, "hospital/_chart_card.html" if request.htmx else "hospital/chart_card.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
