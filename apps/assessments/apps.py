from importlib import import_module

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "apps.assessments"
    label = "assessments"
    verbose_name = "Assessments and reference library"

    # Navigation and home panels, one module per part of this context.
    NAV_MODULES = ("nav_reference", "nav_assessments", "nav_analytics")

    def ready(self):
        for module in self.NAV_MODULES:
            try:
                import_module(f"{self.name}.{module}")
            except ModuleNotFoundError as error:
                if error.name != f"{self.name}.{module}":
                    raise
