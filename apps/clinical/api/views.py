"""The clinical API: the same access helpers and services as the pages. Every read of patient
data is recorded with access.log_patient_access."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from apps.clinical import access
from apps.clinical.api import serializers as s
from apps.clinical.models import SignedNoteError
from apps.clinical.selectors.chart import chart_for
from apps.clinical.selectors.patients import patient_search
from apps.clinical.services import notes as note_services
from apps.clinical.services import patients as patient_services
from apps.clinical.services import records as record_services
from apps.clinical.services import visits as visit_services
from apps.clinical.services import vitals as vitals_services
from apps.tenants.access import company_of
from apps.tenants.models import User


def _site(user, site_id, code):
    return access.get_site_for_user(user, site_id, code)


def _person(company, user_id):
    person = User.objects.for_company(company).filter(pk=user_id).first()
    if person is None:
        raise ApiValidationError({"user": "Unknown person."})
    return person


def _signed_conflict(error):
    return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)


# ------------------------------------------------------------------ patients
@extend_schema(methods=["GET"], operation_id="clinical_patient_list_get", request=s.PatientSerializer, responses=s.PatientSerializer)
@extend_schema(methods=["POST"], operation_id="clinical_patient_list_post", request=s.PatientSerializer, responses=s.PatientSerializer)
@api_view(["GET", "POST"])
def patient_list(request):
    company = company_of(request.user)
    if request.method == "GET":
        access.require_code(request.user, "patient.read")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(patient_search(company=company, query=request.GET.get("q", "")), request)
        return paginator.get_paginated_response(s.PatientSerializer(page, many=True).data)
    access.require_code(request.user, "patient.write")
    serializer = s.PatientSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    site = _site(request.user, data.pop("home_site_id"), "patient.write")
    confirm = data.pop("confirm_not_duplicate", False)
    try:
        patient = patient_services.patient_create(actor=request.user, site=site, data=data, allow_duplicate=confirm)
    except patient_services.PossibleDuplicate as duplicate:
        return Response({"detail": duplicate.messages[0], "duplicates": [
            {"id": str(p.pk), "mrn": p.mrn, "name": p.full_name} for p in duplicate.duplicates],
            "hint": "send confirm_not_duplicate: true to register a different person"},
            status=status.HTTP_409_CONFLICT)
    return Response(s.PatientSerializer(patient).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], operation_id="clinical_patient_detail_get", request=s.PatientSerializer, responses=s.PatientSerializer)
@extend_schema(methods=["PATCH"], operation_id="clinical_patient_detail_patch", request=s.PatientSerializer, responses=s.PatientSerializer)
@api_view(["GET", "PATCH"])
def patient_detail(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id)
    if request.method == "PATCH":
        access.require_code(request.user, "patient.write")
        serializer = s.PatientSerializer(patient, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("confirm_not_duplicate", None)
        site_id = data.pop("home_site_id", None)
        site = _site(request.user, site_id, "patient.write") if site_id else None
        patient = patient_services.patient_update(actor=request.user, patient=patient, data=data, home_site=site)
    else:
        access.log_patient_access(request, patient, "demographics")
    return Response(s.PatientSerializer(patient).data)


@extend_schema(methods=["GET"], operation_id="clinical_patient_chart_get", responses=dict)
@api_view(["GET"])
def patient_chart(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "chart.read")
    can_notes = access.can_read_notes(request.user)
    chart = chart_for(patient=patient, can_read_chart=True, can_read_notes=can_notes)
    access.log_patient_access(request, patient, "chart")
    record = {kind: s.RecordSerializer.for_kind(kind) for kind in ("allergies", "problems", "medications")}
    latest = chart["latest_vitals"]
    return Response({
        "patient": s.PatientSerializer(patient).data,
        "allergies": record["allergies"](chart["allergies"], many=True).data,
        "problems": record["problems"](chart["problems"], many=True).data,
        "medications": record["medications"](chart["medications"], many=True).data,
        "latest_vitals": s.VitalsSerializer(latest).data if latest else None,
        "visits": [{"id": str(v.pk), "visited_at": v.visited_at, "reason": v.reason, "case": v.case.title,
                    "site": v.site.name, "practitioner": str(v.practitioner),
                    "notes": [s.NoteSerializer(n).data for n in v.notes.all()] if can_notes else []}
                   for v in chart["timeline"]],
    })


# ------------------------------------------------------------------ record lists
@extend_schema(methods=["GET"], operation_id="clinical_record_list_get", request=dict, responses=dict)
@extend_schema(methods=["POST"], operation_id="clinical_record_list_post", request=dict, responses=dict)
@api_view(["GET", "POST"])
def record_list(request, patient_id, kind):
    if kind not in record_services.RECORD_KINDS:
        from django.http import Http404

        raise Http404
    patient = access.get_patient_for_user(request.user, patient_id, "chart.read")
    serializer_class = s.RecordSerializer.for_kind(kind)
    if request.method == "POST":
        access.require_code(request.user, "record.write")
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = record_services.record_add(actor=request.user, patient=patient, kind=kind,
                                           data=serializer.validated_data)
        return Response(serializer_class(entry).data, status=status.HTTP_201_CREATED)
    model = record_services.RECORD_KINDS[kind]
    entries = model.objects.for_company(patient.company_id).filter(patient=patient)
    access.log_patient_access(request, patient, kind)
    return Response(serializer_class(entries, many=True).data)


# ------------------------------------------------------------------ vitals
@extend_schema(methods=["GET"], operation_id="clinical_vitals_list_get", request=s.VitalsSerializer, responses=s.VitalsSerializer)
@extend_schema(methods=["POST"], operation_id="clinical_vitals_list_post", request=s.VitalsSerializer, responses=s.VitalsSerializer)
@api_view(["GET", "POST"])
def vitals_list(request, patient_id):
    if request.method == "GET":
        patient = access.get_patient_for_user(request.user, patient_id, "chart.read")
        rows = patient.vitals.filter(entered_in_error_at__isnull=True).order_by("-recorded_at")[:200]
        access.log_patient_access(request, patient, "vitals")
        return Response(s.VitalsSerializer(rows, many=True).data)
    patient = access.get_patient_for_user(request.user, patient_id, "vitals.record")
    serializer = s.VitalsSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    site_id = data.pop("site_id", None) or patient.home_site_id
    site = _site(request.user, site_id, "vitals.record")
    vitals = vitals_services.vitals_record(actor=request.user, patient=patient, site=site, data=data)
    return Response(s.VitalsSerializer(vitals).data, status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------ cases, visits
@extend_schema(methods=["POST"], operation_id="clinical_case_create_post", request=s.CaseSerializer, responses=s.CaseSerializer)
@api_view(["POST"])
def case_create(request, patient_id):
    patient = access.get_patient_for_user(request.user, patient_id, "note.write")
    serializer = s.CaseSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data["responsible_practitioner"] = _person(patient.company_id, data.pop("responsible_practitioner_id"))
    case = visit_services.case_open(actor=request.user, patient=patient, **data)
    return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["POST"], operation_id="clinical_visit_create_post", request=s.VisitSerializer, responses=s.VisitSerializer)
@api_view(["POST"])
def visit_create(request, case_id):
    case = access.get_case_for_user(request.user, case_id)
    serializer = s.VisitSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    site = _site(request.user, data.pop("site_id"), "note.write")
    practitioner = _person(case.company_id, data.pop("practitioner_id"))
    visit = visit_services.visit_create(actor=request.user, case=case, site=site, practitioner=practitioner, **data)
    return Response(s.VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------ notes
@extend_schema(methods=["GET"], operation_id="clinical_visit_notes_get", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@extend_schema(methods=["POST"], operation_id="clinical_visit_notes_post", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@api_view(["GET", "POST"])
def visit_notes(request, visit_id):
    visit = access.get_visit_for_user(request.user, visit_id)
    if request.method == "GET":
        access.log_patient_access(request, visit.patient, "notes")
        return Response(s.NoteSerializer(visit.notes.order_by("created_at"), many=True).data)
    if not access.can_write_note(request.user, visit.site_id):
        raise PermissionDenied
    serializer = s.NoteWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    note = note_services.note_start(actor=request.user, visit=visit, content=serializer.validated_data["content"],
                                    confidential=serializer.validated_data["confidential"])
    return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)


def _note_body(note):
    revision = note_services.signed_revision(note) or note.revisions.order_by("-version").first()
    return {**s.NoteSerializer(note).data,
            "content": revision.content if revision else {},
            "digest_valid": note_services.note_digest_matches(note),
            "addenda": [{**s.AddendumSerializer(a).data, "digest_valid": note_services.addendum_digest_matches(a)}
                        for a in note.addenda.all()]}


@extend_schema(methods=["GET"], operation_id="clinical_note_detail_get", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@extend_schema(methods=["PATCH"], operation_id="clinical_note_detail_patch", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@extend_schema(methods=["PUT"], operation_id="clinical_note_detail_put", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@extend_schema(methods=["DELETE"], operation_id="clinical_note_detail_delete", request=s.NoteWriteSerializer, responses=s.NoteSerializer)
@api_view(["GET", "PATCH", "PUT", "DELETE"])
def note_detail(request, note_id):
    """GET the note (signed text and digest check). PATCH/PUT saves a new draft revision; a signed
    note answers 409 to any change, DELETE included."""
    note = access.get_note_for_user(request.user, note_id)
    if request.method == "GET":
        access.log_patient_access(request, note.patient, "note")
        return Response(_note_body(note))
    if note.is_signed:
        return _signed_conflict("This note is signed and can no longer change; add an addendum instead.")
    if request.method == "DELETE" or not access.can_edit_note(request.user, note):
        raise PermissionDenied
    serializer = s.NoteWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        note_services.note_save_draft(actor=request.user, note=note, content=serializer.validated_data["content"])
    except SignedNoteError as error:
        return _signed_conflict(error)
    note.refresh_from_db()
    return Response(_note_body(note))


@extend_schema(methods=["POST"], operation_id="clinical_note_sign_post", request=None, responses=s.NoteSerializer)
@api_view(["POST"])
def note_sign(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if note.is_signed:
        return _signed_conflict("This note is already signed.")
    if not access.can_sign_note(request.user, note):
        raise PermissionDenied
    note = note_services.note_sign(actor=request.user, note=note)
    return Response(s.NoteSerializer(note).data)


@extend_schema(methods=["POST"], operation_id="clinical_note_cosign_post", request=None, responses=s.NoteSerializer)
@api_view(["POST"])
def note_cosign(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if not access.can_cosign_note(request.user, note):
        raise PermissionDenied
    note = note_services.note_cosign(actor=request.user, note=note)
    return Response(s.NoteSerializer(note).data)


@extend_schema(methods=["POST"], operation_id="clinical_note_addenda_post", request=s.AddendumSerializer, responses=s.AddendumSerializer)
@api_view(["POST"])
def note_addenda(request, note_id):
    note = access.get_note_for_user(request.user, note_id)
    if not access.can_add_addendum(request.user, note):
        raise PermissionDenied
    serializer = s.AddendumSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    addendum = note_services.addendum_add(actor=request.user, note=note, text=serializer.validated_data["text"])
    return Response(s.AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)


