"""Who is acting, from where: set once per request (or per task) so that services can write
audit rows without passing the request around."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    endpoint: str = ""
    method: str = ""


_current: ContextVar[RequestContext] = ContextVar("rounds_request_context", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bound(context: RequestContext):
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def from_request(request) -> RequestContext:
    return RequestContext(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        endpoint=request.path[:500],
        method=request.method,
    )
