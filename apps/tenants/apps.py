from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "apps.tenants"
    label = "tenants"
    verbose_name = "Tenants and accounts"

    def ready(self):
        from apps.tenants import account_signals, signals  # noqa: F401  (sign-in bookkeeping, auditing)
        from apps.tenants.admin_two_factor import protect_admin_site

        protect_admin_site()
