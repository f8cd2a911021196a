"""``manage.py seed_demo``: demo tenants and data for every context. Safe to run again.

This command is the one place that composes every context's demo module, in dependency order."""

from importlib import import_module

from django.core.management import BaseCommand, call_command, get_commands
from django.db import transaction

# Each context's demo module exposes seed(world, log) (tenants: seed(log)) and runs in this order.
DEMO_MODULES = ["apps.academics.demo", "apps.assessments.demo", "apps.notifications.demo", "apps.clinical.demo"]


class Command(BaseCommand):
    help = "Create the demo tenants (Northwind Health, Southbay Medical) and their data. Idempotent."

    def handle(self, *args, **options):
        from apps.tenants import demo as tenants_demo

        if "load_reference" in get_commands():
            call_command("load_reference", stdout=self.stdout)  # idempotent; demo programs use the EPAs
        with transaction.atomic():
            world = tenants_demo.seed(log=self.stdout.write)
            for module_name in DEMO_MODULES:
                self._seed_module(module_name, world)
        self._refresh_analytics()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password for every demo login: rounds-demo"))

    def _seed_module(self, module_name, world):
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            return
        module.seed(world, log=self.stdout.write)

    def _refresh_analytics(self):
        """Demo rows are bulk-created, and without a broker no beat refreshes the analytics views:
        refresh them once so the dashboards show the demo data from the start."""
        from apps.assessments.analytics_services import analytics_refresh

        self.stdout.write(f"analytics views: {analytics_refresh(concurrently=False)}")
