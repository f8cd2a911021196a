"""The patient search's result rows, the chart's visits and notes and the vitals facts, written in Python (issue 12):
a template loop with a dozen lookups and filters per row was a third of the search page's time. As
for the bed board (apps/hospital/templatetags/hospital_floor.py): every value goes through
``escape`` as autoescaping would (``None`` shows as "None", as it did), dates are shown in the
active time zone as the ``|date:"Y-m-d"`` filter did, and the markup, whitespace included, is what
the templates wrote (tests/clinical/test_rows_in_python.py compares both)."""

import datetime
import html

from django import template
from django.utils import formats, timezone
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


def _number(value) -> str:
    """``{{ value }}`` of a number (localized as the template did), escaped."""
    return escape(formats.localize(value))


@register.simple_tag
def vitals_facts(v):
    """The facts of one set of vitals (a VitalSigns, or the chart's plain object of the same names):
    what the ``clinical/_vitals_row.html`` include wrote (the chart and the portal show it)."""
    flags = v.flags if isinstance(v.flags, dict) else {}

    def flag(name):
        return escape(flags.get(name, ""))

    recorded_at = v.recorded_at
    when = ""
    if recorded_at is not None:
        if isinstance(recorded_at, datetime.datetime) and timezone.is_aware(recorded_at):
            recorded_at = timezone.localtime(recorded_at)
        when = f"{_ymd(recorded_at)} {recorded_at.hour:02d}:{recorded_at.minute:02d}"
    parts = ['\n<dl class="facts">\n', f"  <dt>Recorded</dt><dd>{when} by {escape(v.recorded_by)}</dd>\n"]
    if v.news2_score is not None:
        parts.append(f'  <dt>NEWS2</dt><dd><span class="risk-{escape(v.news2_risk)}">{_number(v.news2_score)} — '
                     f"{escape(v.news2_risk)}</span></dd>\n")
    else:
        parts.append("  <dt>NEWS2</dt><dd>not scored (needs all seven parameters; adults 16+)</dd>\n")
    parts.append(f'  <dt>Temperature</dt><dd class="flag-{flag("temp")}">{_number(v.temp)} °C</dd>\n'
                 if v.temp is not None else "  \n")
    parts.append(f'  <dt>Pulse</dt><dd class="flag-{flag("pulse")}">{_number(v.pulse)}/min</dd>\n'
                 if v.pulse is not None else "  \n")
    parts.append(f'  <dt>Blood pressure</dt><dd><span class="flag-{flag("sbp")}">{_number(v.sbp)}</span>/'
                 f'<span class="flag-{flag("dbp")}">{_number(v.dbp) if v.dbp else "–"}</span> mmHg</dd>\n'
                 if v.sbp is not None else "  \n")
    parts.append(f'  <dt>Respiration</dt><dd class="flag-{flag("rr")}">{_number(v.rr)}/min</dd>\n'
                 if v.rr is not None else "  \n")
    parts.append(f'  <dt>SpO₂</dt><dd class="flag-{flag("spo2")}">{_number(v.spo2)} % (scale {_number(v.spo2_scale)}, '
                 f'{"on oxygen" if v.on_oxygen else "air"})</dd>\n' if v.spo2 is not None else "  \n")
    if v.consciousness:
        display = v.get_consciousness_display
        parts.append(f'  <dt>ACVPU</dt><dd class="flag-{flag("consciousness")}">'
                     f"{escape(display() if callable(display) else display)}</dd>\n")
    else:
        parts.append("  \n")
    parts.append(f'  <dt>BMI</dt><dd class="flag-{flag("bmi")}">{_number(v.bmi)} ({_number(v.weight_kg)} kg, '
                 f"{_number(v.height_cm)} cm)</dd>\n" if v.bmi is not None else "  \n")
    parts.append(f'  <dt>Pain</dt><dd class="flag-{flag("pain")}">{_number(v.pain)}/10</dd>\n'
                 if v.pain is not None else "  \n")
    parts.append("</dl>\n\n")
    return mark_safe("".join(parts))  # noqa: S308 — every value escaped
