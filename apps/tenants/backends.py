from django.contrib.auth.backends import ModelBackend

from apps.tenants.scoping import unscoped


class EmailBackend(ModelBackend):
    """ModelBackend whose session lookup may cross tenants: at that moment no tenant is known
    yet — the user row *is* how we learn it."""

    def get_user(self, user_id):
        with unscoped("authentication: session user lookup"):
            return super().get_user(user_id)
