from apps.core.navigation import nav_for
from apps.tenants.access import roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": set()}
    if user.company_id is None:  # a platform superuser: the pages that work without a tenant
        return {"nav_items": nav_for(user, set()), "user_roles": set()}
    roles = roles_of(user)
    items = nav_for(user, roles)
    # The phone's collapsed "Menu" carries the total, so unread notifications show while it is closed.
    return {"nav_items": items, "nav_badge_total": sum(item["badge"] for item in items), "user_roles": roles,
            "tenant": user.company}
