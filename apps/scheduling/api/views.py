"""The appointment book's API: the same access helpers and services as the pages. A clash is a
409 naming the conflicting appointment(s) (and, for a series, every clashing date); bad input is
a 400 with field errors; another company's ids are 404 (path) or 400 "unknown" (body)."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from apps.clinical.models import Patient
from apps.core.api import query_param
from apps.scheduling import access, availability, selectors, services
from apps.scheduling.api import serializers as s
from apps.scheduling.models import Appointment, AppointmentSeries, ServiceType
from apps.scheduling.recurrence import parse_site_time
from apps.tenants.access import company_of
from apps.tenants.models import Resource, Site, User

CONFLICT = {409: OpenApiResponse(description="The time is taken: the conflicting appointments (and dates)")}
BAD_FILTER = {400: OpenApiResponse(description="A filter that is missing or malformed: field errors")}


def _conflict(error: services.AppointmentConflict) -> Response:
    return Response(error.as_json(), status=status.HTTP_409_CONFLICT)


def _one(queryset, company, pk, field, message="Unknown in this organization."):
    """A row of the company named in the body, or a 400 on that field (never another company's)."""
    if pk is None:
        return None
    row = queryset.for_company(company).filter(pk=pk).first()
    if row is None:
        raise ApiValidationError({field: [message]})
    return row


def _site(user, site_id):
    company = company_of(user)
    site = _one(Site.objects, company, site_id, "site")
    if not access.can_manage_book(user, site):
        raise ApiValidationError({"site": ["You do not work the book of this site."]})
    return site


def _parties(user, data):
    company = company_of(user)
    site = _site(user, data["site"])
    return {
        "site": site,
        "patient": _one(Patient.objects, company, data["patient"], "patient"),
        "practitioner": _one(User.objects, company, data["practitioner"], "practitioner"),
        "service_type": _one(ServiceType.objects, company, data["service_type"], "service_type"),
        "resource": _one(Resource.objects, company, data.get("resource"), "resource"),
    }


def _key(request, data):
    raw = data.get("idempotency_key") or request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise ApiValidationError({"idempotency_key": ["Must be a UUID."]})


# ---------------------------------------------------------------- slots
@extend_schema(operation_id="scheduling_slot_list", responses={200: dict, **BAD_FILTER})
@api_view(["GET"])
def slot_list(request):
    """Free slots: ?site=&service_type= (required), &practitioner=, &date= (site-local), &days= (1–14)."""
    company = company_of(request.user)
    site_id, service_id = query_param(request, "site", uuid.UUID), query_param(request, "service_type", uuid.UUID)
    practitioner_id = query_param(request, "practitioner", uuid.UUID)
    if site_id is None or service_id is None:
        raise ApiValidationError({"site": ["Give ?site= and ?service_type=."]})
    site = _site(request.user, site_id)
    service_type = _one(ServiceType.objects, company, service_id, "service_type")
    practitioner = _one(User.objects, company, practitioner_id, "practitioner")
    first_day = query_param(request, "date", datetime.date) or datetime.datetime.now(ZoneInfo(site.time_zone)).date()
    days = query_param(request, "days", int) or 1
    if not 1 <= days <= 14:
        raise ApiValidationError({"days": ["From 1 to 14."]})
    found = availability.free_slots(site=site, service_type=service_type, first_day=first_day, days=days,
                                    practitioner=practitioner)
    return Response({"site": str(site.pk), "time_zone": site.time_zone, "service_type": str(service_type.pk),
                     "slots": [{"practitioner": str(slot.practitioner.pk), "start": slot.start.isoformat(),
                                "end": slot.end.isoformat(), "resource": str(slot.resource.pk) if slot.resource else None}
                               for slot in found]})


# ---------------------------------------------------------------- appointments
@extend_schema(methods=["GET"], operation_id="scheduling_appointment_list_get",
               responses={200: dict, **BAD_FILTER})
@extend_schema(methods=["POST"], operation_id="scheduling_appointment_list_post", request=s.BookSerializer,
               responses={201: s.AppointmentSerializer, **CONFLICT})
@api_view(["GET", "POST"])
def appointment_list(request):
    """GET: ?site= &date= (site-local day) &practitioner= &patient=. POST: book (409 on a clash)."""
    company = company_of(request.user)
    access.require_manage(request.user)
    if request.method == "GET":
        site_id = query_param(request, "site", uuid.UUID)
        day = query_param(request, "date", datetime.date)
        practitioner_id = query_param(request, "practitioner", uuid.UUID)
        patient_id = query_param(request, "patient", uuid.UUID)
        rows = (Appointment.objects.for_company(company)
                .select_related("patient", "site").order_by("start"))
        sites = access.book_site_ids(request.user)
        if None not in sites:
            rows = rows.filter(site_id__in=sites)
        if site_id:
            rows = rows.filter(site_id=site_id)
        if practitioner_id:
            rows = rows.filter(practitioner_id=practitioner_id)
        if patient_id:
            rows = rows.filter(patient_id=patient_id)
        if day:
            zone_site = Site.objects.for_company(company).filter(pk=site_id).first() if site_id else None
            zone = ZoneInfo(zone_site.time_zone if zone_site else "UTC")
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
            rows = rows.filter(start__gte=start, start__lt=start + datetime.timedelta(days=1))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request)
        access.log_book_access(request, page)
        return paginator.get_paginated_response(s.AppointmentSerializer(page, many=True).data)
    serializer = s.BookSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    parties = _parties(request.user, data)
    try:
        appointment = services.appointment_book(
            actor=request.user, start=parse_site_time(data["start"], parties["site"].time_zone),
            overbook=data["overbook"], note=data["note"], idempotency_key=_key(request, data), **parties)
    except services.AppointmentConflict as conflict:
        return _conflict(conflict)
    return Response(s.AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="scheduling_appointment_detail_get", responses=s.AppointmentSerializer)
@extend_schema(methods=["PATCH"], operation_id="scheduling_appointment_detail_patch", request=s.ChangeSerializer,
               responses={200: s.AppointmentSerializer, **CONFLICT})
@api_view(["GET", "PATCH"])
def appointment_detail(request, appointment_id):
    """PATCH ``{"status": "checked-in"}`` moves it along the FHIR workflow; ``{"start": …,
    "practitioner": …, "scope": "one|following|series"}`` moves it (or its series)."""
    appointment = access.get_appointment_for_user(request.user, appointment_id)
    if request.method == "PATCH":
        serializer = s.ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data.get("start") or data.get("practitioner"):
                practitioner = _one(User.objects, appointment.company_id, data.get("practitioner"), "practitioner")
                start = parse_site_time(data["start"], appointment.site.time_zone) if data.get("start") else appointment.start
                services.appointment_move(actor=request.user, appointment=appointment, start=start,
                                          practitioner=practitioner, scope=data["scope"], overbook=data["overbook"])
            elif data.get("status"):
                services.appointment_set_status(actor=request.user, appointment=appointment, status=data["status"],
                                                reason=data["reason"])
            else:
                raise ApiValidationError({"status": ["Give a status, or a start / practitioner to move it."]})
        except services.AppointmentConflict as conflict:
            return _conflict(conflict)
        appointment = access.get_appointment_for_user(request.user, appointment_id)
    else:
        access.log_book_access(request, [appointment], action="view")
    return Response(s.AppointmentSerializer(appointment).data)


@extend_schema(operation_id="scheduling_appointment_cancel", request=s.CancelSerializer,
               responses=s.AppointmentSerializer(many=True))
@api_view(["POST"])
def appointment_cancel(request, appointment_id):
    appointment = access.get_appointment_for_user(request.user, appointment_id)
    serializer = s.CancelSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    cancelled = services.appointment_cancel(actor=request.user, appointment=appointment,
                                            reason=serializer.validated_data["reason"],
                                            scope=serializer.validated_data["scope"])
    return Response(s.AppointmentSerializer(cancelled, many=True).data)


# ---------------------------------------------------------------- series
@extend_schema(methods=["GET"], operation_id="scheduling_series_list_get",
               responses={200: dict, **BAD_FILTER})
@extend_schema(methods=["POST"], operation_id="scheduling_series_list_post", request=s.SeriesCreateSerializer,
               responses={201: s.SeriesSerializer, **CONFLICT})
@api_view(["GET", "POST"])
def series_list(request):
    """POST: a recurring booking (``start`` is the first local start at the site); a clash on any
    date is a 409 listing every clashing date, and nothing is booked."""
    company = company_of(request.user)
    access.require_manage(request.user)
    if request.method == "GET":
        patient_id = query_param(request, "patient", uuid.UUID)
        rows = AppointmentSeries.objects.for_company(company).prefetch_related("occurrences__site",
                                                                              "occurrences__patient")
        sites = access.book_site_ids(request.user)
        if None not in sites:
            rows = rows.filter(site_id__in=sites)
        if patient_id:
            rows = rows.filter(patient_id=patient_id)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows.order_by("-created_at"), request)
        access.log_book_access(request, [a for series in page for a in series.occurrences.all()])
        return paginator.get_paginated_response(s.SeriesSerializer(page, many=True).data)
    serializer = s.SeriesCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    parties = _parties(request.user, data)
    local = parse_site_time(data["start"], parties["site"].time_zone)
    try:
        series = services.series_create(actor=request.user, local_start=local, rrule=data["rrule"], note=data["note"],
                                        idempotency_key=_key(request, data), **parties)
    except services.AppointmentConflict as conflict:
        return _conflict(conflict)
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        if "local_start" in detail:
            detail["start"] = detail.pop("local_start")
        raise ApiValidationError(detail)
    return Response(s.SeriesSerializer(series).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="scheduling_series_detail", responses=s.SeriesSerializer)
@api_view(["GET"])
def series_detail(request, series_id):
    series = access.get_series_for_user(request.user, series_id)
    access.log_book_access(request, list(series.occurrences.all()), action="view")
    return Response(s.SeriesSerializer(series).data)


# ---------------------------------------------------------------- waitlist
@extend_schema(methods=["GET"], operation_id="scheduling_waitlist_list_get", responses={200: dict, **BAD_FILTER})
@extend_schema(methods=["POST"], operation_id="scheduling_waitlist_list_post", request=s.WaitlistAddSerializer,
               responses={201: s.WaitlistSerializer})
@api_view(["GET", "POST"])
def waitlist_list(request):
    company = company_of(request.user)
    access.require_manage(request.user)
    if request.method == "GET":
        site_id = query_param(request, "site", uuid.UUID)
        if site_id is None:
            raise ApiValidationError({"site": ["Give ?site=."]})
        site = _site(request.user, site_id)
        entries = list(selectors.waitlist_for_site(site=site))
        from apps.audit.access import access_log_record

        access_log_record(actor=request.user, obj_or_queryset=[e.patient for e in entries], action="list",
                          request=request)
        return Response({"results": s.WaitlistSerializer(entries, many=True).data})
    serializer = s.WaitlistAddSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    site = _site(request.user, data["site"])
    people = list(User.objects.for_company(company).filter(pk__in=data["preferred_practitioners"]))
    if len(people) != len(set(data["preferred_practitioners"])):
        raise ApiValidationError({"preferred_practitioners": ["Unknown in this organization."]})
    entry = services.waitlist_add(
        actor=request.user, patient=_one(Patient.objects, company, data["patient"], "patient"), site=site,
        service_type=_one(ServiceType.objects, company, data["service_type"], "service_type"),
        urgency=data["urgency"], preferred_practitioners=people,
        free_times=[{"weekday": t["weekday"], "start": t["start"].strftime("%H:%M"), "end": t["end"].strftime("%H:%M")}
                    for t in data["free_times"]], note=data["note"])
    return Response(s.WaitlistSerializer(entry).data, status=status.HTTP_201_CREATED)
