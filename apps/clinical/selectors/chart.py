"""The chart: everything one patient page shows, in a fixed number of queries."""

import datetime
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import OuterRef, Prefetch
from django.db.models.functions import JSONObject
from django.urls import reverse

from apps.clinical.models import Allergy, Medication, Note, Patient, Problem, Visit, VitalSigns
from apps.core.prepared import prepared
from apps.tenants.models import Site


def active_allergies(*, patient):
    return (Allergy.objects.for_company(patient.company_id)
            .filter(patient=patient, entered_in_error_at__isnull=True, status=Allergy.Status.ACTIVE))


def latest_vitals(*, patient):
    return (VitalSigns.objects.for_company(patient.company_id)
            .filter(patient=patient, entered_in_error_at__isnull=True).order_by("-recorded_at").first())


def timeline(*, patient, with_notes: bool, limit=50):
    visits = (Visit.objects.for_company(patient.company_id).filter(patient=patient)
              .select_related("practitioner", "site", "case").order_by("-visited_at"))
    if with_notes:
        visits = visits.prefetch_related(Prefetch(
            "notes", queryset=Note.objects.for_company(patient.company_id).select_related("author", "cosigned_by")
            .order_by("created_at")))
    return list(visits[:limit])


def chart_for(*, patient, can_read_chart: bool, can_read_notes: bool) -> dict:
    """Allergies are in the banner (always, for anyone who may open the chart)."""
    chart = {"patient": patient, "allergies": list(active_allergies(patient=patient))}
    if can_read_chart:
        scope = patient.company_id
        chart["problems"] = list(Problem.objects.for_company(scope).filter(
            patient=patient, entered_in_error_at__isnull=True).exclude(status=Problem.Status.RESOLVED))
        chart["medications"] = list(Medication.objects.for_company(scope).filter(
            patient=patient, entered_in_error_at__isnull=True, status=Medication.Status.ACTIVE))
        chart["latest_vitals"] = latest_vitals(patient=patient)
        chart["timeline"] = timeline(patient=patient, with_notes=can_read_notes)
    return chart


# ------------------------------------------------------------------ the chart page: one query
_ALLERGY_SEVERITY = dict(Allergy.Severity.choices)
_PROBLEM_STATUS = dict(Problem.Status.choices)
_CONSCIOUSNESS = dict(VitalSigns.Consciousness.choices)
_VITAL_FIELDS = ("recorded_at", "temp", "pulse", "sbp", "dbp", "rr", "spo2", "spo2_scale", "on_oxygen", "consciousness",
                 "weight_kg", "height_cm", "bmi", "pain", "flags", "news2_score", "news2_risk")
_PERSON = ("first_name", "last_name", "email")


def _person(prefix):
    return {f"{prefix}_{field}": f"{prefix}__{field}" for field in _PERSON}


def _name(row, prefix):
    """str(User) (full name, else e-mail) from the JSON columns of ``_person(prefix)``."""
    if row.get(f"{prefix}_email") is None:
        return ""
    return f"{row[f'{prefix}_first_name']} {row[f'{prefix}_last_name']}".strip() or row[f"{prefix}_email"]


def _when(text):
    return datetime.datetime.fromisoformat(text) if text else None


def chart_page_patients(*, company, can_read_chart: bool, can_read_notes: bool, visits=50):
    """Patients with everything the chart page shows folded into the row as JSON arrays (allergies;
    with chart.read the open problems, active medications, the latest vitals, the last ``visits``
    visits; with note.read each visit's notes): the page reads the patient and its chart in one
    query whatever the number of rows. ``chart_page_context`` turns the row into the template's data."""
    def rows(queryset, **fields):
        return ArraySubquery(queryset.values(row=JSONObject(**fields)))

    patients = Patient.objects.for_company(company).select_related("home_site").annotate(
        chart_allergies=rows(Allergy.objects.for_company(company).filter(
            patient=OuterRef("pk"), entered_in_error_at__isnull=True, status=Allergy.Status.ACTIVE).order_by("substance"),
            substance="substance", severity="severity"))
    if not can_read_chart:
        return patients
    visit_fields = {"id": "id", "visited_at": "visited_at", "reason": "reason", "case_title": "case__title",
                    "locked_at": "locked_at", "site_name": "site__name", **_person("practitioner")}
    if can_read_notes:
        visit_fields["notes"] = rows(
            Note.objects.for_company(company).filter(visit=OuterRef("pk")).order_by("created_at"),
            id="id", status="status", cosign_required="cosign_required", cosigned_at="cosigned_at",
            current_version="current_version", confidential="confidential",
            **_person("author"), **_person("cosigned_by"))
    return patients.annotate(
        chart_problems=rows(Problem.objects.for_company(company).filter(
            patient=OuterRef("pk"), entered_in_error_at__isnull=True).exclude(status=Problem.Status.RESOLVED)
            .order_by("description"),
            description="description", code="code", code_system="code_system", status="status"),
        chart_medications=rows(Medication.objects.for_company(company).filter(
            patient=OuterRef("pk"), entered_in_error_at__isnull=True, status=Medication.Status.ACTIVE).order_by("name"),
            name="name", dose="dose", frequency="frequency", route="route"),
        chart_vitals=rows(VitalSigns.objects.for_company(company).filter(
            patient=OuterRef("pk"), entered_in_error_at__isnull=True).order_by("-recorded_at")[:1],
            **{field: field for field in _VITAL_FIELDS}, **_person("recorded_by")),
        chart_visits=rows(Visit.objects.for_company(company).filter(patient=OuterRef("pk"))
                          .order_by("-visited_at")[:visits], **visit_fields),
    )


# The chart query is the same SQL for every patient of every company: only its parameters change.
# ``prepared`` (apps/core/prepared.py) compiles it once per access combination (chart.read,
# note.read) and sends it again with the company and the patient; the SQL keeps every
# ``company_id = %s`` of the queryset. The row carries the patient's and the home site's columns
# and the page's JSON arrays; the Patient is built from it as the ORM would (``from_db``).
_PATIENT_COLUMNS = tuple(field.attname for field in Patient._meta.concrete_fields)
_SITE_COLUMNS = tuple(field.attname for field in Site._meta.concrete_fields)
_CHART_ARRAYS = ("chart_allergies", "chart_problems", "chart_medications", "chart_vitals", "chart_visits")


def _chart_queryset(company_id, patient_id, can_read_chart: bool, can_read_notes: bool):
    patients = chart_page_patients(company=company_id, can_read_chart=can_read_chart, can_read_notes=can_read_notes)
    arrays = [name for name in _CHART_ARRAYS if name in patients.query.annotations]
    return patients.filter(pk=patient_id).values(*_PATIENT_COLUMNS, *(f"home_site__{column}" for column in _SITE_COLUMNS),
                                                 *arrays)


_chart_rows = prepared(_chart_queryset)


def chart_page_patient(*, company, patient_id, can_read_chart: bool, can_read_notes: bool):
    """The company's patient (not removed) as a row of ``chart_page_patients`` would be (home site
    attached, ``chart_*`` attributes), or None: the same SQL, compiled once per access combination
    instead of on every request (building and compiling that query was a third of the page's CPU)."""
    try:
        patient_id = Patient._meta.pk.to_python(patient_id)
    except ValidationError:
        return None
    rows = _chart_rows(company_id=getattr(company, "pk", company), patient_id=patient_id,
                       can_read_chart=bool(can_read_chart), can_read_notes=bool(can_read_notes))
    if not rows:
        return None
    row, alias = rows[0], router.db_for_read(Patient)
    patient = Patient.from_db(alias, _PATIENT_COLUMNS, [row[column] for column in _PATIENT_COLUMNS])
    site = Site.from_db(alias, _SITE_COLUMNS, [row[f"home_site__{column}"] for column in _SITE_COLUMNS])
    Patient.home_site.field.set_cached_value(patient, site)
    for name in _CHART_ARRAYS:
        if name in row:
            setattr(patient, name, row[name])
    return patient


def chart_page_context(patient, *, can_read_chart: bool, can_read_notes: bool) -> dict:
    """The template's data from a row of ``chart_page_patients``: plain objects, no further query."""
    chart = {"patient": patient, "allergies": [
        SimpleNamespace(substance=a["substance"], severity=a["severity"],
                        get_severity_display=_ALLERGY_SEVERITY.get(a["severity"], a["severity"]))
        for a in patient.chart_allergies]}
    if not can_read_chart:
        return chart
    chart["problems"] = [SimpleNamespace(**p, get_status_display=_PROBLEM_STATUS.get(p["status"], p["status"]))
                         for p in patient.chart_problems]
    chart["medications"] = [SimpleNamespace(route=m["route"], label=" ".join(
        part for part in (m["name"], m["dose"], m["frequency"]) if part)) for m in patient.chart_medications]
    latest = patient.chart_vitals[0] if patient.chart_vitals else None
    if latest is not None:
        latest = SimpleNamespace(**{field: latest[field] for field in _VITAL_FIELDS},
                                 recorded_by=_name(latest, "recorded_by"),
                                 get_consciousness_display=_CONSCIOUSNESS.get(latest["consciousness"], ""))
        latest.recorded_at = _when(latest.recorded_at)
    chart["latest_vitals"] = latest
    visit_url = reverse("clinical:visit_detail", args=[_SLOT])
    note_url = reverse("clinical:note_detail", args=[_SLOT])
    timeline = []
    for v in patient.chart_visits:
        notes = []
        for n in v.get("notes") or ():
            signed = n["status"] == Note.Status.SIGNED
            notes.append(SimpleNamespace(
                url=note_url.replace(_SLOT, n["id"]), author=_name(n, "author"), is_signed=signed,
                awaiting_cosign=signed and n["cosign_required"] and n["cosigned_at"] is None,
                cosigned_by=_name(n, "cosigned_by"), current_version=n["current_version"],
                confidential=n["confidential"]))
        timeline.append(SimpleNamespace(
            url=visit_url.replace(_SLOT, v["id"]), visited_at=_when(v["visited_at"]),
            title=v["reason"] or v["case_title"], practitioner=_name(v, "practitioner"), site_name=v["site_name"],
            is_locked=v["locked_at"] is not None, notes=notes))
    chart["timeline"] = timeline
    return chart


_SLOT = "00000000-0000-0000-0000-000000000000"
