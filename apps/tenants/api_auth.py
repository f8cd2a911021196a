"""DRF authentication that honours the tenant lifecycle: a token of a person whose company is
deactivated stops working (401). Session-authenticated calls are ended by TenantSuspendedMiddleware
before they reach DRF."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from apps.tenants.forms import SUSPENDED


class TenantTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user", "user__company").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if user.company_id is not None and not user.company.is_active:
            raise exceptions.AuthenticationFailed(SUSPENDED)
        return user, token
