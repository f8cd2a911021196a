"""Recompute the stored work-hour compliance findings of every resident of a program (or of
every program of a company): after a bulk load that fired no writes through the services, or
to refresh everything after a rules-engine change. Each company runs under its own tenant."""

from django.core.management.base import BaseCommand

from apps.academics.models import Learner
from apps.core import rls
from apps.hours import findings
from apps.tenants.models import Company


class Command(BaseCommand):
    help = "Recompute stored work-hour compliance findings"

    def add_arguments(self, parser):
        parser.add_argument("--company", help="subdomain (default: every active company)")
        parser.add_argument("--program", help="program id (default: every program with residents)")

    def handle(self, *args, company=None, program=None, **options):
        companies = Company.objects.filter(is_active=True)
        if company:
            companies = companies.filter(subdomain=company)
        total = 0
        for one in companies:
            with rls.tenant(one.pk):
                programs = [program] if program else list(
                    Learner.objects.for_company(one.pk).filter(kind=Learner.Kind.RESIDENT)
                    .values_list("program_id", flat=True).distinct())
                for program_id in programs:
                    total += findings.compliance_recompute_program(company_id=one.pk, program_id=program_id)
        self.stdout.write(f"{total} resident(s) recomputed")
