from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Mechanisms every context shares: tenant scoping, the navigation registry, the API base,
    form-error mapping and the task outbox. No models of a domain live here."""

    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from celery.signals import task_postrun, task_prerun
        from django.db.models.signals import post_migrate

        from apps.core import rls

        # Row-level security: policies after every migrate; each task runs as its company_id.
        post_migrate.connect(rls.post_migrate, dispatch_uid="rounds_rls_post_migrate")
        task_prerun.connect(rls.task_prerun, dispatch_uid="rounds_rls_task_prerun", weak=False)
        task_postrun.connect(rls.task_postrun, dispatch_uid="rounds_rls_task_postrun", weak=False)
