"""Synthetic clinic data at benchmark scale, written with PostgreSQL COPY (docs/benchmarks.md).

Used by ``manage.py seed_scale --size S|M|L`` (a clinic in the first synthetic company) and by
``manage.py seed_scale_clinical`` (more patients in an existing company). Each patient gets one case,
``visits_per_patient`` completed visits and ``vitals_per_patient`` vital-sign rows (NEWS2 computed by the
real rule, spread over the visits). Rows are streamed in chunks, so memory stays flat at a million
patients. History tables are not written: this is bulk synthetic data, not anybody's edit.
"""

import datetime
import random
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from apps.clinical import news2
from apps.clinical.models import Case, Patient, Visit, VitalSigns
from apps.clinical.names import FIRST, LAST

CHUNK = 20_000  # patients per COPY round
MRN_PREFIX = "SCL-"
REASONS = ["Follow-up", "Review of results", "New problem", "Medication review", "Annual check"]


def _columns(model, varying, now):
    """The varying columns plus every other NOT NULL column filled once with its Django default
    (Django defaults are not database defaults, so COPY must write them)."""
    constants = {}
    for field in model._meta.concrete_fields:
        if field.attname in varying:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.column] = now
        elif field.has_default():
            constants[field.column] = field.get_db_prep_save(field.get_default(), connection)
        elif not field.null:
            constants[field.column] = ""
    names = {f.attname: f.column for f in model._meta.concrete_fields}
    return [names[name] for name in varying] + list(constants), tuple(constants.values())


def _copy(cursor, model, varying, rows, now):
    columns, constants = _columns(model, varying, now)
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(tuple(row) + constants)


def scale_patients_count(*, company) -> int:
    """How many synthetic patients the company already has (their MRNs continue from there)."""
    return Patient.all_objects.for_company(company).filter(mrn__startswith=MRN_PREFIX).count()


def scale_clinic_seed(*, company, site, practitioner, patients: int, visits_per_patient: int = 2,
                      vitals_per_patient: int = 5, seed: int = 0,
                      progress: Callable[[int], None] | None = None) -> dict:
    """Write ``patients`` synthetic patients (with cases, visits and vitals) to ``site``.

    Runs in the caller's transaction; the caller holds the platform escape hatch (``unscoped``) and
    the row-level-security bypass, as seeding is platform maintenance, not a tenant's request."""
    start = scale_patients_count(company=company)
    rng, now = random.Random(seed + start), timezone.now()
    written = {"patients": 0, "cases": 0, "visits": 0, "vitals": 0}
    with connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: millions of COPYed rows would queue
        # their checks until COMMIT (minutes, and memory). Checked per statement instead.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for chunk_start in range(start, start + patients, CHUNK):
            chunk_end = min(chunk_start + CHUNK, start + patients)
            rows = _chunk(company, site, practitioner, range(chunk_start, chunk_end), visits_per_patient,
                          vitals_per_patient, rng, now)
            _copy(cursor, Patient, ["id", "company_id", "home_site_id", "mrn", "first_name", "last_name",
                                    "date_of_birth", "search_name", "phone", "phone_digits"], rows["patients"], now)
            _copy(cursor, Case, ["id", "company_id", "patient_id", "title", "opened_at",
                                 "responsible_practitioner_id"], rows["cases"], now)
            _copy(cursor, Visit, ["id", "company_id", "case_id", "patient_id", "site_id", "practitioner_id",
                                  "visited_at", "status", "reason"], rows["visits"], now)
            _copy(cursor, VitalSigns, ["id", "company_id", "patient_id", "visit_id", "site_id", "recorded_by_id",
                                       "recorded_at", "rr", "spo2", "sbp", "pulse", "temp", "consciousness",
                                       "news2_score", "news2_risk"], rows["vitals"], now)
            for key in written:
                written[key] += len(rows[key])
            if progress:
                progress(chunk_end - chunk_start)
    return written


def _chunk(company, site, practitioner, indexes, visits_per_patient, vitals_per_patient, rng, now):
    rows = {"patients": [], "cases": [], "visits": [], "vitals": []}
    for index in indexes:
        patient_id, case_id = uuid.uuid4(), uuid.uuid4()
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 70))
        phone = f"555{index:08d}"
        rows["patients"].append((patient_id, company.pk, site.pk, f"{MRN_PREFIX}{index + 1:08d}", first, last, born,
                                 f"{first} {last}".lower(), phone, phone))
        opened = now - datetime.timedelta(days=rng.randint(30, 700))
        rows["cases"].append((case_id, company.pk, patient_id, rng.choice(REASONS), opened, practitioner.pk))
        visits = []
        for number in range(visits_per_patient):
            visit_id = uuid.uuid4()
            visited = opened + datetime.timedelta(days=14 * number, hours=rng.randint(8, 17))
            rows["visits"].append((visit_id, company.pk, case_id, patient_id, site.pk, practitioner.pk, visited,
                                   Visit.Status.COMPLETED, rng.choice(REASONS)))
            visits.append((visit_id, visited))
        for offset in range(vitals_per_patient):
            visit_id, visited = visits[offset % len(visits)] if visits else (None, now)
            values = dict(rr=rng.randint(10, 26), spo2=rng.randint(90, 99), sbp=rng.randint(95, 170),
                          pulse=rng.randint(50, 125), temp=Decimal(rng.randint(355, 392)) / 10)
            result = news2.score(news2.Observations(on_oxygen=False, consciousness="A", **values))
            rows["vitals"].append((uuid.uuid4(), company.pk, patient_id, visit_id, site.pk, practitioner.pk,
                                   visited + datetime.timedelta(minutes=10 * offset), values["rr"], values["spo2"],
                                   values["sbp"], values["pulse"], values["temp"], "A", result.total, result.risk))
    return rows
