"""The clinical-hours API: the same access helpers, selectors and services as the pages."""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.academics.access import get_program_for_user
from apps.academics.models import Learner
from apps.core.access import company_of
from apps.core.api import query_param, service_errors
from apps.core.api_paging import PageNumberPagination
from apps.hours import access, selectors, services
from apps.hours.api import serializers as s
from apps.hours.models import PlannedShift, TimeRecord, WorkEntry

BAD_QUERY = OpenApiResponse(response=OpenApiTypes.OBJECT,
                            description="A malformed filter or page number (the body names the parameter)")
PAGE = OpenApiParameter("page", int, description="Page number, from 1")
STATUS = OpenApiParameter("status", str, enum=TimeRecord.Status.values, description="Only records in this status")
LEARNER = OpenApiParameter("learner", uuid.UUID, description="Only this learner's rows")
START = OpenApiParameter("start", dt.date, description="From this day (YYYY-MM-DD)")
END = OpenApiParameter("end", dt.date, description="To this day (YYYY-MM-DD, inclusive)")


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _day(request, name):
    """A date filter (400 when malformed or outside 2000–2100, so no date arithmetic overflows)."""
    value = query_param(request, name, dt.date)
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError({name: ["Must be a date between 2000-01-01 and 2100-12-31."]})
    return value


def _page(request, queryset, serializer):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise service_errors(error)


def _own(request, kind, learner_id=None):
    learners = [lr for lr in access.own_learners(request.user) if lr.kind == kind
                and (learner_id is None or lr.pk == learner_id)]
    if not learners:
        raise ValidationError({"learner": [f"You are not a {kind} here."]})
    return learners[0]


# ---------------------------------------------------------------- time records
@extend_schema(methods=["GET"], operation_id="hours_time_record_list", parameters=[STATUS, LEARNER, PAGE],
               responses={200: s.TimeRecordPage, 400: BAD_QUERY})
@extend_schema(methods=["POST"], operation_id="hours_time_record_clock_in", request=s.ClockInSerializer,
               responses={201: s.TimeRecordSerializer})
@api_view(["GET", "POST"])
def time_record_list(request):
    """GET: your own records and those you review. POST: clock in (students) at the current
    rotation's site; outside the geofence or without a location a ``reason`` is required."""
    company = company_of(request.user)
    if request.method == "GET":
        status_filter = request.query_params.get("status")
        if status_filter is not None and status_filter not in TimeRecord.Status.values:
            raise ValidationError({"status": [f"One of {', '.join(TimeRecord.Status.values)}."]})
        learner_id = query_param(request, "learner", uuid.UUID)
        reviewable = access.reviewable_records(request.user).values("pk")
        qs = TimeRecord.objects.for_company(company).filter(Q(learner__user=request.user) | Q(pk__in=reviewable))
        if status_filter:
            qs = qs.filter(status=status_filter)
        if learner_id:
            qs = qs.filter(learner_id=learner_id)
        return _page(request, qs.order_by("-clock_in", "pk"), s.TimeRecordSerializer)
    serializer = s.ClockInSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    learner = _own(request, Learner.Kind.STUDENT, data.get("learner"))
    record = _call(services.time_record_clock_in, actor=request.user, learner=learner,
                   latitude=data.get("latitude"), longitude=data.get("longitude"), accuracy=data.get("accuracy"),
                   ip=request.META.get("REMOTE_ADDR"), user_agent=request.META.get("HTTP_USER_AGENT", ""),
                   reason=data.get("reason", ""), key=data.get("key"))
    return Response(s.TimeRecordSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="hours_time_record_detail", responses=s.TimeRecordSerializer)
@api_view(["GET"])
def time_record_detail(request, record_id):
    record = access.get_time_record_for_user(request.user, record_id)
    return Response(s.TimeRecordSerializer(record).data)


@extend_schema(operation_id="hours_time_record_clock_out", request=s.LocationSerializer,
               responses=s.TimeRecordSerializer)
@api_view(["POST"])
def time_record_clock_out(request, record_id):
    """Clock out of your open record (a second call returns the closed record unchanged)."""
    record = access.get_time_record_for_user(request.user, record_id)
    serializer = s.LocationSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if record.learner.user_id != request.user.pk:
        raise ValidationError({"record": ["Only the student clocks out of their own record."]})
    record = _call(services.time_record_clock_out, actor=request.user, record=record,
                   latitude=data.get("latitude"), longitude=data.get("longitude"), accuracy=data.get("accuracy"),
                   ip=request.META.get("REMOTE_ADDR"), user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return Response(s.TimeRecordSerializer(record).data)


@extend_schema(operation_id="hours_time_record_decide", request=s.DecisionSerializer,
               responses=s.TimeRecordSerializer(many=True))
@api_view(["POST"])
def time_record_decisions(request):
    """Approve, ask for information or reject one or many records (one audit row each)."""
    company_of(request.user)
    serializer = s.DecisionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    ids = set(data["records"])
    records = list(access.reviewable_records(request.user).filter(pk__in=ids))
    if len(records) != len(ids):
        raise ValidationError({"records": ["Some of these records are not yours to decide."]})
    decided = _call(services.time_records_decide, actor=request.user, records=records, decision=data["decision"],
                    note=data.get("note", ""))
    return Response(s.TimeRecordSerializer(decided, many=True).data)


# ---------------------------------------------------------------- work entries
@extend_schema(methods=["GET"], operation_id="hours_work_entry_list", parameters=[LEARNER, START, END, PAGE],
               responses={200: s.WorkEntryPage, 400: BAD_QUERY})
@extend_schema(methods=["POST"], operation_id="hours_work_entry_create", request=s.WorkEntrySerializer,
               responses={201: s.WorkEntrySerializer})
@api_view(["GET", "POST"])
def work_entry_list(request):
    """GET: your work entries (``learner`` = a resident of a program you manage). POST: log one."""
    company = company_of(request.user)
    if request.method == "GET":
        learner_id = query_param(request, "learner", uuid.UUID)
        start, end = _day(request, "start"), _day(request, "end")
        if learner_id:
            learner = access.get_learner_for_user(request.user, learner_id)
            qs = WorkEntry.objects.for_company(company).filter(learner=learner)
        else:
            qs = WorkEntry.objects.for_company(company).filter(learner__user=request.user)
        if start:
            qs = qs.filter(end__gte=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
        if end:
            qs = qs.filter(start__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
        return _page(request, qs.order_by("start", "pk"), s.WorkEntrySerializer)
    serializer = s.WorkEntrySerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    learner = _own(request, Learner.Kind.RESIDENT)
    entry = _call(services.work_entry_create, actor=request.user, learner=learner, kind=data["kind"],
                  start=data["start"], end=data["end"], notes=data.get("notes", ""), key=data.get("key"))
    return Response(s.WorkEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="hours_work_entry_detail", responses=s.WorkEntrySerializer)
@extend_schema(methods=["PATCH"], operation_id="hours_work_entry_update", request=s.WorkEntrySerializer,
               responses=s.WorkEntrySerializer)
@extend_schema(methods=["DELETE"], operation_id="hours_work_entry_delete", responses={204: OpenApiResponse()})
@api_view(["GET", "PATCH", "DELETE"])
def work_entry_detail(request, entry_id):
    entry = access.get_work_entry_for_user(request.user, entry_id, edit=request.method != "GET")
    if request.method == "GET":
        return Response(s.WorkEntrySerializer(entry).data)
    if request.method == "DELETE":
        _call(services.work_entry_delete, actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)
    serializer = s.WorkEntrySerializer(entry, data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    data = {"kind": entry.kind, "start": entry.start, "end": entry.end, "notes": entry.notes,
            **serializer.validated_data}
    entry = _call(services.work_entry_update, actor=request.user, entry=entry, kind=data["kind"],
                  start=data["start"], end=data["end"], notes=data["notes"])
    return Response(s.WorkEntrySerializer(entry).data)


# ---------------------------------------------------------------- call roster
@extend_schema(methods=["GET"], operation_id="hours_call_roster_list", parameters=[START, END, PAGE],
               responses={200: s.PlannedShiftPage, 400: BAD_QUERY})
@extend_schema(methods=["POST"], operation_id="hours_call_roster_create", request=s.PlannedShiftSerializer,
               responses={201: s.PlannedShiftSerializer})
@api_view(["GET", "POST"])
def call_roster(request, program_id):
    """The program's call roster and planned shifts (program managers)."""
    program = get_program_for_user(request.user, program_id)
    if not access.can_manage_hours(request.user, program):
        raise PermissionDenied
    if request.method == "GET":
        start, end = _day(request, "start"), _day(request, "end")
        qs = PlannedShift.objects.for_company(program.company_id).filter(learner__program=program)
        if start:
            qs = qs.filter(end__gte=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
        if end:
            qs = qs.filter(start__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
        return _page(request, qs.order_by("start", "pk"), s.PlannedShiftSerializer)
    serializer = s.PlannedShiftSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    learner = Learner.objects.for_company(program.company_id).filter(
        pk=data["learner_id"], program=program, kind=Learner.Kind.RESIDENT).select_related("program").first()
    if learner is None:
        raise ValidationError({"learner": ["Not a resident of this program."]})
    shift = _call(services.planned_shift_create, actor=request.user, learner=learner, kind=data["kind"],
                  start=data["start"], end=data["end"])
    return Response(s.PlannedShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="hours_planned_shift_detail", responses=s.PlannedShiftSerializer)
@extend_schema(methods=["DELETE"], operation_id="hours_planned_shift_delete", responses={204: OpenApiResponse()})
@api_view(["GET", "DELETE"])
def planned_shift_detail(request, shift_id):
    shift = access.get_planned_shift_for_user(request.user, shift_id)
    if request.method == "DELETE":
        _call(services.planned_shift_delete, actor=request.user, shift=shift)
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(s.PlannedShiftSerializer(shift).data)


# ---------------------------------------------------------------- compliance
@extend_schema(operation_id="hours_learner_compliance", parameters=[START, END],
               responses={200: s.ComplianceSerializer, 400: BAD_QUERY})
@api_view(["GET"])
def learner_compliance(request, learner_id):
    """The violations and warnings of a resident's logged hours in ``start``..``end`` (default:
    the last 28 days), each with its ``rule`` code, start and end, from the stored findings
    (``computed_at``; ``pending`` while a write's recompute has not run yet)."""
    learner = access.get_learner_for_user(request.user, learner_id)
    today = timezone.localtime(timezone.now(), selectors.program_time_zone(learner.program)).date()
    start = _day(request, "start") or today - dt.timedelta(days=27)
    end = _day(request, "end") or today
    if end < start:
        raise ValidationError({"end": ["The end is before the start."]})
    if (end - start).days > 400:
        raise ValidationError({"end": ["At most 400 days at a time."]})
    fresh, computed_at, found = selectors.learner_findings(learner=learner, start=start, end=end)

    def row(v):
        return {"rule": v.rule, "severity": "warning" if v.is_warning else "violation", "start": v.start,
                "end": v.end, "hours": v.hours, "detail": v.detail}

    return Response(s.ComplianceSerializer({
        "learner": learner.pk, "start": start, "end": end, "computed_at": computed_at, "pending": not fresh,
        "violations": [row(v) for v in found if not v.is_warning],
        "warnings": [row(v) for v in found if v.is_warning]}).data)
