from apps.audit import context
from apps.audit.access import access_log_batch


class AuditContextMiddleware:
    """Binds the request's IP, user agent, path and method for audit rows written by services,
    and collects the request's access log entries, written in one insert before the response
    leaves (apps.audit.access). REMOTE_ADDR is trusted as is: behind a proxy, set it from
    X-Forwarded-For at the proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.bound(context.from_request(request)), access_log_batch() as batch:
            response = self.get_response(request)
            batch.status_code = response.status_code
        return response
