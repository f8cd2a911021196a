"""``manage.py seed_demo``: demo tenants and data for every context. Safe to run again.
Each installed app's ``demo`` module runs in INSTALLED_APPS (layer) order: apps.core.demo."""

from django.core.management import BaseCommand
from django.db import transaction

from apps.core.demo import seed_all


class Command(BaseCommand):
    help = "Create the demo tenants (Northwind Health, Southbay Medical) and their data. Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            seed_all(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password for every demo login: rounds-demo"))
