from apps.core.navigation import nav_for
from apps.tenants.access import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": set()}
    if user.company_id is None:  # a platform superuser: the pages that work without a tenant
        return {"nav_items": nav_for(user, set()), "user_roles": set()}
    roles = roles_of(user)
    return {"nav_items": nav_for(user, roles), "user_roles": roles, "tenant": user.company}
