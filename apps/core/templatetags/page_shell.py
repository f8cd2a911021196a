"""The page header of ``base.html`` written in Python (issue 19): every page renders it, and as a
template it cost ≈0.5 ms a request (five ``{% url %}`` tags, a loop over the navigation with three
lookups and a comparison per item, two CSRF tokens) — more than some pages' own content.

The markup is the template's own, byte for byte (``tests/core/test_page_shell.py`` renders the old
template beside it for each kind of reader). Text goes through ``html.escape`` as autoescaping
would (Django's ``escape`` is that function plus a lazy-string check); the fixed links are
reversed once per URL configuration and script prefix."""

from html import escape

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

register = template.Library()
_LINKS: dict[tuple, dict[str, str]] = {}


def _links() -> dict[str, str]:
    key = (get_script_prefix(), get_urlconf())
    links = _LINKS.get(key)
    if links is None:
        links = _LINKS[key] = {name: escape(reverse(name)) for name in ("home", "admin:index", "logout", "security")}
    return links


def _badge(count) -> str:
    return f' <span class="nav-badge">{count}<span class="visually-hidden"> unread</span></span>'


@register.simple_tag(takes_context=True)
def site_header(context):
    """``<header class="site-header">``: the brand, the tenant's name and, signed in, the menu (the
    navigation of ``apps.tenants.context_processors.navigation``, the current page marked, the
    unread badges, the sign-out form)."""
    request = context.get("request")
    user = context.get("user")
    links = _links()
    tenant = context.get("tenant")
    parts = ['<header class="site-header" role="banner">\n'
             f'    <a class="brand" href="{links["home"]}">Rounds</a>\n    ']
    if tenant:
        parts.append(f'<span class="tenant-name">{escape(str(tenant.name))}</span>')
    parts.append("\n    ")
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        url_name, view_name = (match.url_name, match.view_name) if match is not None else (None, None)
        total = context.get("nav_badge_total")
        current = ' aria-current="page"'
        parts.append(
            '\n    \n    \n    <details class="nav-menu">\n'
            f'      <summary>Menu{_badge(total) if total else ""}</summary>\n'
            '      <div class="nav-menu-body">\n        <nav aria-label="Main" class="main-nav">\n          <ul>\n'
            f'            <li><a href="{links["home"]}" {current[1:] if url_name == "home" else ""}>Home</a></li>\n'
            '            ')
        for item in context.get("nav_items") or ():
            mark = current[1:] if view_name == item["url_name"] else ""
            parts.append(f'\n            <li><a href="{escape(str(item["url"]))}" {mark}>{escape(str(item["label"]))}'
                         f'{_badge(item["badge"]) if item["badge"] else ""}</a></li>\n            ')
        name = escape(str(user.full_name or user.email))
        token = context.get("csrf_token")  # as {% csrf_token %}: the request's one token, lazily
        csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'
                if token and token != "NOTPROVIDED" else "")
        parts.append(
            '\n            '
            + (f'<li><a href="{links["admin:index"]}">Admin</a></li>' if user.is_superuser else "")
            + '\n          </ul>\n        </nav>\n'
            f'        <form method="post" action="{links["logout"]}" class="logout">\n'
            f'          {csrf}\n'
            f'          <a class="who" href="{links["security"]}" title="Security and your sessions">{name}</a>\n'
            '          <button type="submit" class="link-button">Sign out</button>\n'
            '        </form>\n      </div>\n    </details>\n    ')
    parts.append("\n  </header>")
    return mark_safe("".join(parts))
