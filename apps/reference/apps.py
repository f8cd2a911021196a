from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """The shared reference library: specialties, competencies, entrustment scales, versioned EPA
    and milestone sets, case types and feedback tags."""

    name = "apps.reference"
    label = "reference"
    verbose_name = "Reference library"

    def ready(self):
        from apps.reference import nav  # noqa: F401 — registers the Reference library nav item
