"""Synthetic patients and vitals at benchmark scale, written with PostgreSQL COPY.

    manage.py seed_scale_clinical --company northwind --patients 1000000 --vitals 5

Adds a clinic site "Scale clinic" to the company's first institution and fills it with invented
patients (MRN ``SCL-…``) and ``--vitals`` vital-sign rows each (NEWS2 computed by the real rule).
History tables are not written (bulk synthetic data). Run it again to add more."""

import datetime
import random
import uuid
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.clinical import news2
from apps.clinical.demo import FIRST, LAST
from apps.clinical.models import Patient, VitalSigns
from apps.core.scoping import unscoped
from apps.tenants.models import Company, Institution, Site, User


def _columns(model, varying, now):
    """The varying columns plus every other NOT NULL column filled once with its default."""
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


class Command(BaseCommand):
    help = "Add synthetic patients and vitals to one company with PostgreSQL COPY (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, help="subdomain of an existing company")
        parser.add_argument("--patients", type=int, default=10_000)
        parser.add_argument("--vitals", type=int, default=5, help="vital-sign rows per patient")

    def handle(self, *args, company, patients, vitals, **options):
        with unscoped("benchmark seeding"), transaction.atomic():
            tenant = Company.objects.filter(subdomain=company).first()
            institution = Institution.objects.filter(company=tenant).order_by("name").first() if tenant else None
            recorder = User.objects.filter(company=tenant).order_by("email").first() if tenant else None
            if institution is None or recorder is None:
                raise CommandError(f"No company “{company}” with an institution and a user")
            site, _ = Site.objects.get_or_create(institution=institution, name="Scale clinic",
                                                 defaults={"company": tenant, "kind": Site.Kind.CLINIC})
            start = Patient.all_objects.for_company(tenant).filter(mrn__startswith="SCL-").count()
            self._write(tenant, site, recorder, start, patients, vitals)
        self.stdout.write(f"seed_scale_clinical: {patients:,} patients and {patients * vitals:,} vitals "
                          f"at {site.name} ({tenant.name})")

    def _write(self, tenant, site, recorder, start, count, per_patient):
        rng, now = random.Random(start), timezone.now()
        patient_rows, vitals_rows = [], []
        for index in range(start, start + count):
            pk = uuid.uuid4()
            first, last = rng.choice(FIRST), rng.choice(LAST)
            born = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 70))
            phone = f"555{index:08d}"
            patient_rows.append((pk, tenant.pk, site.pk, f"SCL-{index + 1:08d}", first, last, born,
                                 f"{first} {last}".lower(), phone, phone))
            for offset in range(per_patient):
                values = dict(rr=rng.randint(10, 26), spo2=rng.randint(90, 99), sbp=rng.randint(95, 170),
                              pulse=rng.randint(50, 125), temp=Decimal(rng.randint(355, 392)) / 10)
                result = news2.score(news2.Observations(on_oxygen=False, consciousness="A", **values))
                vitals_rows.append((uuid.uuid4(), tenant.pk, pk, site.pk, recorder.pk,
                                    now - datetime.timedelta(hours=6 * offset + rng.randint(0, 5)), values["rr"],
                                    values["spo2"], values["sbp"], values["pulse"], values["temp"], "A",
                                    result.total, result.risk))
        with connection.cursor() as cursor:
            _copy(cursor, Patient, ["id", "company_id", "home_site_id", "mrn", "first_name", "last_name",
                                    "date_of_birth", "search_name", "phone", "phone_digits"], patient_rows, now)
            _copy(cursor, VitalSigns, ["id", "company_id", "patient_id", "site_id", "recorded_by_id", "recorded_at",
                                       "rr", "spo2", "sbp", "pulse", "temp", "consciousness", "news2_score",
                                       "news2_risk"], vitals_rows, now)


