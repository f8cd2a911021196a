"""Role-aware navigation and home-page panels. Each app registers its own in AppConfig.ready(),
so the shell never imports the contexts it links to."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset  # shown when the user holds any of these; empty = every signed-in tenant user
    order: int = 50
    badge: Callable | None = None  # badge(user) -> int, e.g. unread notifications; one query at most
    platform: bool = False  # also shown to platform superusers (no tenant): pages that work without one


NAV_ITEMS: list[NavItem] = []
HOME_PANELS: list[tuple[int, Callable]] = []


def register_nav_item(label: str, url_name: str, roles=(), order: int = 50, badge: Callable | None = None,
                      platform: bool = False) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(label, url_name, frozenset(roles), order, badge, platform))


def register_home_panel(panel: Callable, order: int = 50) -> None:
    """``panel(request)`` returns None (nothing to show) or ``(template_name, context)``."""
    if all(existing is not panel for _, existing in HOME_PANELS):
        HOME_PANELS.append((order, panel))


# (platform?, superuser?, roles, script prefix, urlconf, items registered) → [(item, url)]: which
# items a set of roles sees, sorted, with their URLs reversed, is the same for every request of that
# set, so it is worked out once per process (issue 19). Only the badges are read per request.
_SHOWN: dict[tuple, list] = {}


def nav_for(user, roles: set[str]) -> list[dict]:
    """The items a tenant user sees (by role); a platform superuser (no tenant) sees the platform items."""
    platform = user.company_id is None
    key = (platform, platform and user.is_superuser, frozenset(() if platform else roles), get_script_prefix(),
           get_urlconf(), len(NAV_ITEMS))
    shown = _SHOWN.get(key)
    if shown is None:
        if platform:
            items = [item for item in NAV_ITEMS if item.platform and user.is_superuser]
        else:
            items = [item for item in NAV_ITEMS if not item.roles or item.roles & roles]
        shown = _SHOWN[key] = [(item, reverse(item.url_name))
                               for item in sorted(items, key=lambda item: (item.order, item.label))]
    return [{"label": item.label, "url": url, "url_name": item.url_name, "badge": item.badge(user) if item.badge else 0}
            for item, url in shown]


def home_panels_for(request) -> list[tuple[str, dict]]:
    panels = []
    for _, panel in sorted(HOME_PANELS, key=lambda pair: pair[0]):
        rendered = panel(request)
        if rendered is not None:
            panels.append(rendered)
    return panels
