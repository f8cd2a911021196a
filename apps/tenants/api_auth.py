"""DRF authentication that honours the tenant lifecycle: a token of a person whose company is
deactivated stops working (401). Session-authenticated calls are ended by TenantSuspendedMiddleware
before they reach DRF. The token lookup itself runs under the RLS bypass (apps.core.authentication)."""

from rest_framework import exceptions

from apps.core.authentication import TokenAuthentication
from apps.tenants.forms import SUSPENDED


class TenantTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.company_id is not None and not user.company.is_active:
            raise exceptions.AuthenticationFailed(SUSPENDED)
        return user, token
