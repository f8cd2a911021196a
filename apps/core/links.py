"""Absolute links in e-mails: one helper for every link builder (invitations, password resets,
assessment requests, notification mails).

    absolute_url("/assessments/requests/…")  →  "<base>/assessments/requests/…"

The base is ``ROUNDS_SITE_URL`` when it is set. In demo mode (``DEBUG`` or not ``ROUNDS_PRODUCTION``)
without it, the base is the address the current request came in on (``request.build_absolute_uri``),
so a demo served on another port or host mails links that work; ``SITE_URL``'s default
(http://127.0.0.1:8000) is only the last resort. Production never trusts the request's Host header
for mailed links: set ``ROUNDS_SITE_URL`` there.

Tasks: without a broker (the demo) a task runs in-process when the request's transaction commits,
still inside the request, so its links follow the request too. A task in a worker has no request
and uses ``SITE_URL``, unless whoever starts it binds a base (``site_url_bound``), e.g. one taken
with ``request_base()`` at request time and passed in the task's kwargs.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost

_request_base: ContextVar[str | None] = ContextVar("rounds_request_site_url", default=None)


def links_follow_the_request() -> bool:
    """Demo mode (DEBUG or not PRODUCTION) with ROUNDS_SITE_URL unset (or set to the default)."""
    return settings.SITE_URL == settings.SITE_URL_DEFAULT and (settings.DEBUG or not settings.PRODUCTION)


def site_url() -> str:
    """The base of mailed links, without a trailing slash."""
    if links_follow_the_request():
        base = _request_base.get()
        if base:
            return base
    return settings.SITE_URL.rstrip("/")


def absolute_url(path_or_url: str) -> str:
    """``path_or_url`` made absolute with ``site_url()``; an absolute URL is returned as it is."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return site_url() + path_or_url


def request_base() -> str | None:
    """The base bound for the running request (None outside one, or when links don't follow the
    request): what a task started from this request may be given."""
    return _request_base.get() if links_follow_the_request() else None


@contextmanager
def site_url_bound(base: str | None):
    """Bind ``base`` as the request's address (the middleware; a task given one; tests)."""
    token = _request_base.set(base.rstrip("/") if base else None)
    try:
        yield
    finally:
        _request_base.reset(token)


def site_url_middleware(get_response):
    """Binds the address the request came in on, in demo mode without ROUNDS_SITE_URL."""

    def middleware(request):
        if not links_follow_the_request():
            return get_response(request)
        try:
            base = request.build_absolute_uri("/")
        except DisallowedHost:  # a Host outside ALLOWED_HOSTS: Django answers 400 anyway
            base = None
        with site_url_bound(base):
            return get_response(request)

    return middleware
