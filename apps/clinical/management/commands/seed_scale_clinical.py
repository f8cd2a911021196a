"""Synthetic patients, cases, visits and vitals in an existing company, written with PostgreSQL COPY.

    manage.py seed_scale_clinical --company northwind --patients 1000000 --visits 1 --vitals 5

Adds a clinic site "Scale clinic" to the company's first institution and fills it with invented
patients (MRN ``SCL-…``). ``seed_scale --size`` does the same for its synthetic companies; this
command is for adding volume to a company you already have. Run it again to add more."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.clinical.services.scale import scale_clinic_seed
from apps.core.scoping import unscoped
from apps.tenants.models import Company, Institution, Site, User


class Command(BaseCommand):
    help = "Add synthetic patients, visits and vitals to one company with PostgreSQL COPY (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, help="subdomain of an existing company")
        parser.add_argument("--patients", type=int, default=10_000)
        parser.add_argument("--visits", type=int, default=1, help="completed visits per patient")
        parser.add_argument("--vitals", type=int, default=5, help="vital-sign rows per patient")

    def handle(self, *args, company, patients, visits, vitals, **options):
        with unscoped("benchmark seeding"), transaction.atomic():
            tenant = Company.objects.filter(subdomain=company).first()
            institution = Institution.objects.filter(company=tenant).order_by("name").first() if tenant else None
            recorder = User.objects.filter(company=tenant).order_by("email").first() if tenant else None
            if institution is None or recorder is None:
                raise CommandError(f"No company “{company}” with an institution and a user")
            site, _ = Site.objects.get_or_create(institution=institution, name="Scale clinic",
                                                 defaults={"company": tenant, "kind": Site.Kind.CLINIC})
            written = scale_clinic_seed(company=tenant, site=site, practitioner=recorder, patients=patients,
                                        visits_per_patient=visits, vitals_per_patient=vitals)
        self.stdout.write(f"seed_scale_clinical: {written['patients']:,} patients, {written['visits']:,} visits "
                          f"and {written['vitals']:,} vitals at {site.name} ({tenant.name})")
