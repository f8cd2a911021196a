"""Send the PROMs that schedules have due ("every N visits" / "every N weeks of a plan"), per company.
Run it from cron (e.g. hourly); each company runs under its own row-level-security tenant."""

from django.core.management.base import BaseCommand

from apps.core import rls
from apps.physio.services.proms import prom_schedules_run
from apps.tenants.models import Company


class Command(BaseCommand):
    help = "Send scheduled PROMs that are due"

    def add_arguments(self, parser):
        parser.add_argument("--company", help="subdomain (default: every active company)")

    def handle(self, *args, company=None, **options):
        companies = Company.objects.filter(is_active=True)
        if company:
            companies = companies.filter(subdomain=company)
        total = 0
        for one in companies:
            with rls.tenant(one.pk):
                total += prom_schedules_run(company_id=one.pk)
        self.stdout.write(f"{total} questionnaire(s) sent")
