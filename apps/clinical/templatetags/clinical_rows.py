"""The patient search's result rows and the chart's visits and notes, written in Python (issue 12):
a template loop with a dozen lookups and filters per row was a third of the search page's time. As
for the bed board (apps/hospital/templatetags/hospital_floor.py): every value goes through
``escape`` as autoescaping would (``None`` shows as "None", as it did), dates are shown in the
active time zone as the ``|date:"Y-m-d"`` filter did, and the markup, whitespace included, is what
the templates wrote (tests/clinical/test_rows_in_python.py compares both)."""

import datetime
import html

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()


def escape(value) -> str:
    """django.utils.html.escape without its lazy-string check and SafeString per value (same output)."""
    return html.escape(str(value))


def _ymd(value) -> str:
    """``value|date:"Y-m-d"``: an aware datetime in the active time zone; a date as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.simple_tag
def patient_search_rows(rows, query):
    """The ``<tr>`` of each row of ``views._best_matches`` (dicts of ``SEARCH_ROW`` and ``url``)."""
    if not rows:
        message = f"Nobody matches “{escape(query)}”." if query else "No patients yet."
        return mark_safe(f'\n    <tr><td colspan="5">{message}</td></tr>\n  ')  # noqa: S308 — escaped above
    return mark_safe("".join(  # noqa: S308 — every value escaped
        f'\n    <tr><td><a href="{escape(p["url"])}">{escape(p["last_name"])}, {escape(p["first_name"])}</a></td>'
        f'<td>{escape(p["mrn"])}</td><td>{_ymd(p["date_of_birth"])}</td><td>{escape(p["phone"])}</td>'
        f'<td>{escape(p["home_site__name"])}</td></tr>\n  '
        for p in rows))


def _note(note) -> str:
    if note.is_signed:
        state = '<span class="signed-stamp">signed</span>'
        if note.awaiting_cosign:
            state += ", awaiting co-signature"
        elif note.cosigned_by:
            state += f", co-signed by {escape(note.cosigned_by)}"
    else:
        state = f"draft v{escape(note.current_version)}"
    confidential = " · confidential" if note.confidential else ""
    return f'<li><a href="{escape(note.url)}">Note by {escape(note.author)}</a> — {state}{confidential}</li>'


@register.simple_tag
def chart_timeline(timeline, can_notes):
    """The ``<li>`` of each visit of ``chart_page_context``'s timeline (with its notes for note.read)."""
    if not timeline:
        return mark_safe("<li>No visits yet.</li>")
    parts = []
    for visit in timeline:
        title = f'<a href="{escape(visit.url)}">{escape(visit.title)}</a>' if can_notes else escape(visit.title)
        locked = " · locked" if visit.is_locked else ""
        notes = f"<ul>{''.join(_note(note) for note in visit.notes)}</ul>" if can_notes else ""
        parts.append(f"\n    <li><strong>{_ymd(visit.visited_at)}</strong> — {title} · {escape(visit.practitioner)} · "
                     f"{escape(visit.site_name)}{locked}\n      {notes}\n    </li>\n  ")
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped
