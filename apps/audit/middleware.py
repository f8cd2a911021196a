from apps.audit import context


class AuditContextMiddleware:
    """Binds the request's IP, user agent, path and method for audit rows written by services.
    REMOTE_ADDR is trusted as is: behind a proxy, set it from X-Forwarded-For at the proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.bound(context.from_request(request)):
            return self.get_response(request)
