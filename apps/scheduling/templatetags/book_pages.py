"""The book's site navigation and the day view's head and grid, written in Python (issue 13).

The day view is the page reception keeps open all day: its template's eight ``{% url %}`` tags of
the site navigation, the toolbar's five ``|date`` filters and the loop over the columns were half
of its rendering. Here each link is one ``reverse`` per kind and per process (kept per script
prefix and URL configuration, as ``apps.core.navigation`` keeps its menu) with the site's id put
in by string, dates are written with ``isoformat`` (what ``|date:'Y-m-d'`` writes) and the two
long dates with Django's own ``dateformat`` (the names in the active language, as the filter).
Every text from the database goes through ``escape`` as autoescaping would; the markup is the
templates' own, byte for byte (tests/scheduling/test_book_markup.py compares them)."""

import uuid

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()
_PLACEHOLDER = str(uuid.UUID(int=0))

# The site navigation: (url name, label); each link takes the site's id, but "Services".
NAV_LINKS = (("day", "Day"), ("today", "Today's list"), ("slots", "Find a slot"),
             ("series_new", "Recurring booking"), ("waitlist", "Waitlist"), ("working_hours", "Working hours"),
             ("service_types", "Services"), ("public_book", "Public booking page"))
_SITELESS = frozenset({"service_types"})
_heads: dict = {}


def url_parts(name, kwarg) -> tuple[str, str]:
    """(head, tail) of the URL ``scheduling:<name>`` whose one argument ``kwarg`` is a uuid:
    ``f"{head}{pk}{tail}"`` is its link (one reverse per script prefix and URL configuration)."""
    key = (get_script_prefix(), get_urlconf(), name, kwarg)
    found = _heads.get(key)
    if found is None:
        head, tail = reverse(f"scheduling:{name}", kwargs={kwarg: _PLACEHOLDER}).split(_PLACEHOLDER)
        found = _heads[key] = (head, tail)
    return found


def site_links() -> dict:
    """{url name: (head, tail)} of the site's pages: ``f"{head}{site_id}{tail}"`` is its link (the
    reverses are made once per script prefix and URL configuration)."""
    key = (get_script_prefix(), get_urlconf())
    found = _heads.get(key)
    if found is None:
        found = {}
        for name, _ in NAV_LINKS:
            if name in _SITELESS:
                found[name] = (reverse(f"scheduling:{name}"), "")
                continue
            head, tail = reverse(f"scheduling:{name}", kwargs={"site_id": _PLACEHOLDER}).split(_PLACEHOLDER)
            found[name] = (head, tail)
        found = _heads[key] = found
    return found


def site_url(name, site_id) -> str:
    """The link of the site's page ``name`` (one of ``NAV_LINKS``)."""
    head, tail = site_links()[name]
    return head if name in _SITELESS else f"{head}{site_id}{tail}"


def nav_html(site_id) -> str:
    links = "".join(f'\n  <a href="{escape(site_url(name, site_id))}">{label}</a>' for name, label in NAV_LINKS)
    return f'<nav class="toolbar book-nav" aria-label="Appointment book">{links}\n</nav>\n'


@register.simple_tag
def book_nav(site):
    """The site's navigation of the book's pages (it was the include ``scheduling/_site_nav.html``)."""
    return mark_safe(nav_html(site.pk))  # noqa: S308 — our own labels and links, escaped


@register.simple_tag
def day_book(*, site, day, today, previous, next, by_room, columns, rows, times_html):
    """The day view's content up to the cancelled list: heading, site navigation, the day toolbar,
    the panel, and the grid (``columns`` with their ``head`` and ``html`` already written by the view)."""
    name = escape(site.name)
    by = "&amp;by=room" if by_room else ""
    parts = [
        f'<h1>{name} <small>{escape(dateformat.format(day, "l j F Y"))} · {escape(site.time_zone)}</small></h1>\n',
        nav_html(site.pk),
        '\n<form method="get" class="toolbar day-toolbar">\n'
        f'  <a class="button" href="?date={previous.isoformat()}{by}" aria-label="Previous day">‹</a>\n'
        f'  <input type="date" name="date" value="{day.isoformat()}" aria-label="Date">\n'
        '  <select name="by" aria-label="Columns"><option value="practitioner">By practitioner</option>'
        f'<option value="room" {"selected" if by_room else ""}>By room / equipment</option></select>\n'
        '  <button type="submit" class="button">Show</button>\n'
        f'  <a class="button" href="?date={today.isoformat()}{by}">Today</a>\n'
        f'  <a class="button" href="?date={next.isoformat()}{by}" aria-label="Next day">›</a>\n'
        '</form>\n<div id="panel" class="book-panel" aria-live="polite"></div>\n',
    ]
    if not columns:
        parts.append(f'<p class="card">Nobody works here on {escape(dateformat.format(day, "l"))} and nothing is '
                     f'booked. <a href="{escape(site_url("working_hours", site.pk))}">Set working hours</a>.</p>')
    parts.append(f'\n<div class="book" style="--rows: {int(rows)}">\n'
                 f'  <div class="book-times" aria-hidden="true">{conditional_escape(times_html)}</div>\n  ')
    for column in columns:
        parts.append(f'\n  <section class="book-column" aria-label="{conditional_escape(column["label"])}">\n'
                     f'    <h2 class="book-head">{conditional_escape(column["head"])}</h2>\n'
                     f'    <div class="book-grid">\n      {conditional_escape(column["html"])}\n    </div>\n'
                     '  </section>\n  ')
    parts.append("\n</div>")  # the template writes the line break after the tag
    return mark_safe("".join(parts))  # noqa: S308 — database text above went through escape()


@register.simple_tag
def book_url(name, site_id):
    """``{% url 'scheduling:<name>' site_id %}`` for a page of ``NAV_LINKS``, without a reverse."""
    return site_url(name, site_id)
