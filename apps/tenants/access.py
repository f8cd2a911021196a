"""Role rules, written once: which roles a person holds and where, and the tenant objects
(sites) they may see or change. Every other context's ``access.py`` builds on these.

Outside the user's company or scope the answer is 404 (``apps.core.access``), so a URL never
reveals that an object exists elsewhere; a visible object the user may not change is 403."""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied

from apps.core.access import company_of, get_for_company_or_404
from apps.core.prepared import prepared
from apps.tenants.models import Membership, Site
from apps.tenants.roles import Role


@dataclass(frozen=True, slots=True)
class HeldRole:
    """One active membership as the access checks read it: the role and the ids of its scope."""

    role: str
    program_id: object = None
    site_id: object = None
    institution_id: object = None


_memberships = prepared(lambda company_id, user_id: Membership.objects.for_company(company_id).filter(
    user_id=user_id, is_active=True).values("role", "program_id", "site_id", "institution_id"))


def active_memberships(user) -> list[HeldRole]:
    """The user's active roles, read once per request (one prepared query, no model instances:
    every page's navigation asks) and cached on the user object."""
    cached = getattr(user, "_rounds_memberships", None)
    if cached is None:
        cached = [HeldRole(**row) for row in _memberships(company_id=user.company_id, user_id=user.pk)]
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


def program_ids_with_roles(user, roles=None) -> set:
    """Ids of the programs where ``user`` holds one of ``roles`` (any program role when None)."""
    if not user.is_authenticated or user.company_id is None:
        return set()
    wanted = None if roles is None else ({roles} if isinstance(roles, str) else set(roles))
    return {m.program_id for m in active_memberships(user)
            if m.program_id and (wanted is None or m.role in wanted)}


def is_org_admin(user) -> bool:
    return has_role(user, Role.ORG_ADMIN)


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


# ---------------------------------------------------------------- sites
def get_site_for_user(user, site_id) -> Site:
    """Every site of the user's company is visible to its people (404 elsewhere)."""
    return get_for_company_or_404(Site.objects.select_related("institution"), user, pk=site_id)


def can_change_site(user, site) -> bool:
    """Sites (address, capacity, geofence…) are the organization's: its administrators change them."""
    return is_org_admin(user)
