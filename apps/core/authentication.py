"""DRF token authentication under row-level security (apps/core/rls.py)."""

from rest_framework import authentication

from apps.core import rls


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token auth. The token → user lookup happens before any tenant is known (the user row
    *is* how we learn it), so it runs under the bypass; DRF then sets request.user, and every
    later query of the request runs as that user's company."""

    def authenticate_credentials(self, key):
        with rls.bypass("authentication: API token lookup"):
            return super().authenticate_credentials(key)
