from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self):
        from apps.audit.access import connect_task_signals

        connect_task_signals()
