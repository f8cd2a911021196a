from apps.tenants.access import roles_of
from apps.core.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.company_id is None:
        return {"nav_items": [], "user_roles": set()}
    roles = roles_of(user)
    return {"nav_items": nav_for(user, roles), "user_roles": roles, "tenant": user.company}
