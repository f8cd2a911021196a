from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Mechanisms every context shares: tenant scoping, the navigation registry, the API base,
    form-error mapping and the task outbox. No models of a domain live here."""

    name = "apps.core"
    label = "core"
    verbose_name = "Core"
