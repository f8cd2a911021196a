from django.contrib.auth.backends import ModelBackend

from apps.core.scoping import unscoped
from apps.tenants.models import User


class EmailBackend(ModelBackend):
    """ModelBackend whose session lookup may cross tenants: at that moment no tenant is known
    yet — the user row *is* how we learn it. The company comes in the same query, since every
    page needs it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # No tenant is known before sign-in, and checking the password may upgrade its stored hash
        # (a save of the user row): both run under the escape hatch (and the RLS bypass).
        with unscoped("authentication: sign-in and password-hash upgrade"):
            return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        with unscoped("authentication: session user lookup"):
            user = User.objects.select_related("company").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
