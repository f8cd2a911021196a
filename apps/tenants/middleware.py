"""Request-level rules about signed-in sessions. None of them adds a query to an ordinary request:
they read the session and ``request.user``, which the authentication backend loads with its company."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from apps.tenants import account_services, two_factor
from apps.tenants.account_signals import SIGNED_IN_AT
from apps.tenants.forms import SUSPENDED

TOUCH_EVERY_SECONDS = 60
SESSION_TOO_OLD = "Your session has ended after {hours} hours. Please sign in again."
API_PREFIX = "/api/"
DOWNLOAD_TYPES = ("text/csv", "text/calendar", "application/vnd.", "application/octet-stream")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _signed_out(request, message: str):
    """End the session and say why: a JSON 401 for the API, the sign-in page with the message otherwise."""
    logout(request)
    if _is_api(request):
        return JsonResponse({"detail": message}, status=401)
    messages.warning(request, message)
    return redirect(settings.LOGIN_URL)


class SessionIdleTimeoutMiddleware:
    """Keeps a signed-in session alive while it is used: SESSION_COOKIE_AGE (30 minutes) after the
    last request. Instead of saving the session on every request (SESSION_SAVE_EVERY_REQUEST: an
    UPDATE and a transaction per page), it touches the session at most once a minute, so the
    idle timeout holds to within a minute at a fraction of the writes; the same touch refreshes
    "last seen" on the "Your sessions" page.

    Beside it, an absolute lifetime: a session ends SESSION_ABSOLUTE_SECONDS (12 hours) after the
    password sign-in, however busy it is. A session without a sign-in time (started before this
    rule existed) is ended too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(SIGNED_IN_AT, 0) > settings.SESSION_ABSOLUTE_SECONDS:
                hours = round(settings.SESSION_ABSOLUTE_SECONDS / 3600)
                return _signed_out(request, SESSION_TOO_OLD.format(hours=hours))
            if now - session.get("_touched", 0) >= TOUCH_EVERY_SECONDS:
                session["_touched"] = now  # marks the session modified: saved, and its expiry pushed back
                account_services.user_session_touch(request=request)
        return self.get_response(request)


class TenantSuspendedMiddleware:
    """A person whose company is deactivated is signed out on their next request, pages and API
    alike. ``request.user.company`` comes with the user (select_related in the backend): no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.company_id is not None and not user.company.is_active:
            return _signed_out(request, SUSPENDED)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until a signed-in person who needs a second factor has entered a code in this session, every
    request goes to the verify step (pages) or is refused with 403 (API). Reads the session only."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self):
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in ("two_factor_verify", "two_factor_setup", "logout")}
        return self._open_paths

    def __call__(self, request):
        if (request.user.is_authenticated and two_factor.session_needs_second_factor(request)
                and not two_factor.session_is_verified(request) and request.path not in self.open_paths()):
            if _is_api(request):
                return JsonResponse({"detail": "Enter your second factor on the sign-in page first."}, status=403)
            next_url = request.get_full_path() if request.method == "GET" else reverse("home")
            return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person, every API response and
    every download (an attachment, CSV/XLSX, iCal), so no browser or proxy keeps a copy of tenant data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if ((user is not None and user.is_authenticated) or _is_api(request)
                or "attachment" in response.get("Content-Disposition", "")
                or response.get("Content-Type", "").startswith(DOWNLOAD_TYPES)):
            response.headers["Cache-Control"] = "private, no-store"
        return response
