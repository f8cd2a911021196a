"""Who may see what. Every view fetches objects through these helpers (or a per-type helper
built on them): outside the user's company or scope the answer is 404, so a URL never reveals
that an object exists elsewhere."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenants.models import Membership
from apps.tenants.roles import Role


def company_of(user):
    """The tenant of a signed-in person; platform superusers have none and get 404 on tenant pages."""
    if not user.is_authenticated or user.company_id is None:
        raise Http404("No tenant")
    return user.company


def active_memberships(user):
    """Memberships are read once per request and cached on the user object."""
    cached = getattr(user, "_rounds_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.for_company(user.company_id).filter(user=user, is_active=True)
            .select_related("program", "site")
        )
        user._rounds_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in active_memberships(user)} if user.company_id else set()


def has_role(user, roles, *, program=None, site=None) -> bool:
    """True when the user holds one of ``roles`` at that program/site (or company-wide)."""
    roles = {roles} if isinstance(roles, str) else set(roles)
    for membership in active_memberships(user):
        if membership.role not in roles:
            continue
        if program is not None and membership.program_id not in (None, program.pk):
            continue
        if site is not None and membership.site_id not in (None, site.pk):
            continue
        return True
    return False


def is_org_admin(user) -> bool:
    return has_role(user, Role.ORG_ADMIN)


def get_for_company_or_404(queryset, user, **lookup):
    """``queryset`` must be a tenant model's manager/queryset; the row must belong to the user's company."""
    company = company_of(user)
    try:
        return queryset.for_company(company).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404(f"No {queryset.model._meta.verbose_name} here")


def require_roles(*roles):
    """View decorator: the signed-in user must hold one of ``roles`` somewhere in their company
    (object-level checks still go through the per-object access helpers)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            company_of(request.user)
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
