"""``manage.py seed_demo``: demo tenants and data for every context. Safe to run again."""

from importlib import import_module

from django.core.management import BaseCommand, call_command, get_commands
from django.db import transaction

# Each context's demo module exposes seed(world, log) (tenants: seed(log)) and runs in this order.
DEMO_MODULES = ["apps.academics.demo", "apps.assessments.demo", "apps.notifications.demo"]


class Command(BaseCommand):
    help = "Create the demo tenants (Northwind Health, Southbay Medical) and their data. Idempotent."

    def handle(self, *args, **options):
        from apps.tenants import demo as tenants_demo

        if "load_reference" in get_commands():
            call_command("load_reference", stdout=self.stdout)  # idempotent; demo programs use the EPAs
        with transaction.atomic():
            world = tenants_demo.seed(log=self.stdout.write)
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                module.seed(world, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password for every demo login: rounds-demo"))
