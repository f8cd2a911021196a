"""FHIR R4 read API of the book: ``/fhir/Appointment/<id>``, ``/fhir/Appointment?patient=``,
``/fhir/Schedule/<practitioner id>``, ``/fhir/Slot?schedule=&service-type=&site=&start=``. Same
access helpers as the pages; reads of appointments are access-logged."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from apps.core.api import query_param
from apps.scheduling import access, availability
from apps.scheduling.fhir import resources
from apps.scheduling.models import Appointment, ServiceType, WeeklyAvailability
from apps.tenants.access import company_of
from apps.tenants.models import Site

FHIR_JSON = "application/fhir+json"
BAD_SEARCH = {400: OpenApiResponse(description="A search parameter that is missing or malformed")}


def _reference_id(request, name, kind):
    """``?patient=<uuid>`` or ``?patient=Patient/<uuid>`` → UUID (400 naming the parameter)."""
    raw = (request.query_params.get(name) or "").removeprefix(f"{kind}/")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiValidationError({name: [f"Must be an id or {kind}/<id>."]})


@extend_schema(operation_id="fhir_appointment_read", responses=dict)
@api_view(["GET"])
def appointment(request, appointment_id):
    row = access.get_appointment_for_user(request.user, appointment_id)
    access.log_book_access(request, [row], action="view")
    return Response(resources.appointment_resource(row), content_type=FHIR_JSON)


@extend_schema(operation_id="fhir_appointment_search", responses={200: dict, **BAD_SEARCH})
@api_view(["GET"])
def appointment_search(request):
    """Search by ``patient`` (required), optionally ``status``."""
    company = company_of(request.user)
    access.require_manage(request.user)
    patient_id = _reference_id(request, "patient", "Patient")
    if patient_id is None:
        raise ApiValidationError({"patient": ["Search appointments by patient."]})
    rows = (Appointment.objects.for_company(company).filter(patient_id=patient_id)
            .select_related("patient", "practitioner", "site", "service_type", "resource").order_by("start"))
    sites = access.book_site_ids(request.user)
    if None not in sites:
        rows = rows.filter(site_id__in=sites)
    wanted = request.query_params.get("status")
    if wanted:
        rows = rows.filter(status__in=wanted.split(","))
    rows = list(rows[:500])
    access.log_book_access(request, rows)
    return Response(resources.bundle([resources.appointment_resource(a) for a in rows],
                                     request.build_absolute_uri("/fhir/")), content_type=FHIR_JSON)


@extend_schema(operation_id="fhir_schedule_read", responses=dict)
@api_view(["GET"])
def schedule(request, practitioner_id):
    access.require_manage(request.user)
    person = access.get_practitioner_for_user(request.user, practitioner_id)
    site_ids = WeeklyAvailability.objects.for_company(person.company_id).filter(practitioner=person).values("site")
    sites = list(Site.objects.for_company(person.company_id).filter(pk__in=site_ids).order_by("name"))
    now = timezone.now()
    return Response(resources.schedule_resource(person, sites, now, now + datetime.timedelta(days=90)),
                    content_type=FHIR_JSON)


@extend_schema(operation_id="fhir_slot_search", responses={200: dict, **BAD_SEARCH})
@api_view(["GET"])
def slot_search(request):
    """Free slots: ``schedule`` (Schedule/<practitioner id>, optional), ``service-type`` and ``site``
    (required), ``start`` (a date, site-local; default today), 7 days from it."""
    company = company_of(request.user)
    access.require_manage(request.user)
    service_id = query_param(request, "service-type", uuid.UUID)
    site_id = query_param(request, "site", uuid.UUID)
    if service_id is None or site_id is None:
        raise ApiValidationError({"service-type": ["Give ?service-type=<id>&site=<id>."]})
    site = Site.objects.for_company(company).filter(pk=site_id).first()
    service_type = ServiceType.objects.for_company(company).filter(pk=service_id).first()
    if site is None or service_type is None or not access.can_manage_book(request.user, site):
        return Response(resources.bundle([], request.build_absolute_uri("/fhir/")), content_type=FHIR_JSON)
    practitioner_id = _reference_id(request, "schedule", "Schedule")
    practitioner = access.get_practitioner_for_user(request.user, practitioner_id) if practitioner_id else None
    raw_start = (request.query_params.get("start") or "").removeprefix("ge")
    try:
        first_day = datetime.date.fromisoformat(raw_start[:10]) if raw_start else timezone.now().astimezone(
            ZoneInfo(site.time_zone)).date()
    except ValueError:
        raise ApiValidationError({"start": ["Must be a date (YYYY-MM-DD)."]})
    found = availability.free_slots(site=site, service_type=service_type, first_day=first_day, days=7,
                                    practitioner=practitioner)
    return Response(resources.bundle([resources.slot_resource(slot, service_type) for slot in found],
                                     request.build_absolute_uri("/fhir/")), content_type=FHIR_JSON)
