"""Request middleware of the core mechanisms: request hygiene before any view runs, and the
platform admin's escape hatch."""

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.urls import reverse

from apps.core.scoping import unscoped

NUL = "\x00"


def reject_nul_bytes(get_response):
    """A NUL byte in the path, the query string or a form value is a 400 (PostgreSQL text cannot hold
    one, so a view passing it to a query would fail with a 500). JSON bodies are checked by their
    serializers (DRF's CharField refuses NUL), uploaded files are not text fields."""

    def refuse(request, message):
        if request.path.startswith(("/api/", "/fhir/")):  # the API's error format, not the HTML page
            return JsonResponse({"detail": message}, status=400)
        raise BadRequest(message)

    def middleware(request):
        if NUL in request.path or any(NUL in key or any(NUL in value for value in values)
                                      for key, values in request.GET.lists()):
            return refuse(request, "A NUL character in the address")
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                 "multipart/form-data"):
            if any(NUL in key or any(NUL in value for value in values) for key, values in request.POST.lists()):
                return refuse(request, "A NUL character in a form value")
        return get_response(request)

    return middleware


def platform_admin_unscoped(get_response):
    """A superuser's request to the Django admin is platform code: it runs inside the escape hatch
    (``unscoped``; under row-level security, superusers already run as the bypass role). Rounds'
    own admins scope what they show explicitly (``apps.audit.platform_admin``); this lets the
    third-party admins (API tokens, two-factor devices, lockouts, beat schedules) list and pick
    users, which are tenant rows, without each needing a Rounds subclass. Tenant users never
    reach the admin (it checks is_superuser and the second factor)."""
    prefix = []

    def middleware(request):
        if not prefix:
            prefix.append(reverse("admin:index"))
        user = getattr(request, "user", None)
        if request.path.startswith(prefix[0]) and user is not None and user.is_authenticated and user.is_superuser:
            with unscoped("platform admin: a superuser's admin request"):
                return get_response(request)
        return get_response(request)

    return middleware
