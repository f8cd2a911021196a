from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = "Tenants and accounts"

    def ready(self):
        from apps.tenants import signals  # noqa: F401  (login/logout/lockout auditing)
