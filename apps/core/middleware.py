"""Request middleware of the core mechanisms."""

from django.urls import reverse

from apps.core.scoping import unscoped


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
