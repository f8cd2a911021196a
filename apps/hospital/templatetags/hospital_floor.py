"""The bed board's beds and the MAR's patients, written in Python (issue 16): a 40-bed ward is 40 beds
or 40 patients × prescriptions × doses, and the template loops with a `{% url %}`, a
`{% csrf_token %}` and a dozen lookups per row were most of the pages' time. Like the schedule grid
(apps/academics/templatetags/schedule_grid.py): every value goes through ``escape`` as autoescaping
would; each link is one ``reverse`` per kind and the row's id put in by string; the CSRF input and
the status options are written once per page. Times are shown in the active time zone, as the
template's ``|time`` and ``|date`` filters did. The markup is the templates' own (tests and the
Playwright MAR test read it)."""

import datetime
import uuid
from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from apps.hospital.models import Bed, Dose, Prescription

register = template.Library()
_PLACEHOLDER = str(uuid.UUID(int=0))
BED_STATUS_LABELS = dict(Bed.Status.choices)
DOSE_STATUS_LABELS = dict(Dose.Status.choices)
PRESCRIPTION_STATUS_LABELS = dict(Prescription.Status.choices)
_OVERDUE = ' <strong class="flag-high">overdue</strong>'


def _link(name):
    """``reverse`` once for a URL with one uuid: ``link(pk)`` puts a row's id in by string."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return lambda pk: f"{head}{pk}{tail}"


def _csrf_input(context) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _options(choices, selected=None) -> str:
    return "".join(f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
                   for value, label in choices)


# ------------------------------------------------------------------ the bed board
@register.simple_tag(takes_context=True)
def bed_board_wards(context, board, can_manage, statuses):
    """Every ward's card of ``selectors.bed_board_page``: counts, the MAR link, a cell per bed (the
    patient and admission link when occupied; otherwise the status and, for admission managers, the
    status form)."""
    if not board:
        return mark_safe("<p>No wards at this site yet.</p>")
    admission_url, mar_url, status_url = (_link("hospital:admission"), _link("hospital:mar"),
                                          _link("hospital:bed_status"))
    tz = timezone.get_current_timezone()
    csrf, options, since = None, {}, {}
    labels = {status: escape(BED_STATUS_LABELS.get(status, status)) for status in BED_STATUS_LABELS}
    classes = {status: escape(status) for status in BED_STATUS_LABELS}
    parts = []
    for ward in board:
        ward_id, counts = ward["id"], ward["counts"]
        floor = f" <small>floor {escape(ward['floor'])}</small>" if ward["floor"] else ""
        speciality = f" <small>{escape(ward['speciality'])}</small>" if ward["speciality"] else ""
        parts.append(
            f'<section class="card" aria-labelledby="ward-{ward_id}">\n'
            f'<h2 id="ward-{ward_id}">{escape(ward["name"])}{floor}{speciality}</h2>\n'
            f'<ul class="occupancy"><li><strong>{counts["occupied"]}/{ward["total"]}</strong> occupied</li>'
            f'<li>{counts["available"]} available</li><li>{counts["cleaning"]} cleaning</li>'
            f'<li>{counts["reserved"]} reserved</li><li>{counts["maintenance"]} maintenance</li>\n'
            f'<li><a href="{mar_url(ward_id)}">MAR</a></li></ul>\n<ul class="bed-grid">\n')
        for bed_id, label, status, stay in ward["beds"]:
            label = escape(label)
            if stay is not None:
                day = datetime.datetime.fromtimestamp(stay["start_s"], tz).date()
                if day not in since:
                    since[day] = dateformat.format(day, "M j")
                name = escape(f"{stay['first_name']} {stay['last_name']}".strip())
                shown = (f'<a href="{admission_url(stay["admission_id"])}">{name}</a><br>'
                         f'<small>{escape(stay["mrn"])} · since {since[day]}</small>')
            else:
                shown = labels.get(status) or escape(BED_STATUS_LABELS.get(status, status))
                if can_manage:
                    if csrf is None:
                        csrf = _csrf_input(context)
                    if status not in options:
                        options[status] = _options(statuses, status)
                    shown += (f'\n<form method="post" action="{status_url(bed_id)}">{csrf}'
                              f'<label class="visually-hidden" for="st-{bed_id}">Status of {label}</label>'
                              f'<select id="st-{bed_id}" name="status">{options[status]}</select> '
                              f'<button type="submit">Set</button></form>')
            parts.append(f'<li class="bed bed-{classes.get(status) or escape(status)}"><h3>{label}</h3>\n{shown}</li>\n')
        parts.append("</ul>\n</section>\n")
    return mark_safe("".join(parts))


# ------------------------------------------------------------------ the MAR
CSRF_SLOT = "<!--csrf-->"  # where a cached MAR's forms take the request's CSRF input (no escaped text contains "<!--")


@register.simple_tag(takes_context=True)
def mar_patients(context, rows, ward, start, can_give):
    """``mar_rows_html`` with the request's CSRF input in its forms."""
    return mark_safe(mar_rows_html(rows, ward, start, can_give, csrf=_csrf_input(context) if can_give else ""))  # noqa: S308


@register.simple_tag(takes_context=True)
def mar_cached(context, html):
    """A MAR written by ``mar_rows_html`` with ``csrf=CSRF_SLOT`` (cached: apps.hospital.mar_cache), its
    forms given this request's CSRF input."""
    return mark_safe(html.replace(CSRF_SLOT, _csrf_input(context)) if CSRF_SLOT in html else html)  # noqa: S308


def mar_rows_html(rows, ward, start, can_give, *, csrf="") -> str:
    """Every patient's card of ``selectors.ward_mar_page``: their prescriptions, each with the shift's
    doses (overdue marked; a scheduled dose of an active prescription has a "Record" link when the
    reader may give it: ``hospital:dose_record``, the dose's form as a page; static/hospital/mar.js
    loads it into the row by htmx instead, in place of the link) and the as-needed form.

    A dose is ``<div data-dose="id"><b>due</b>…</div>``: a 40-patient ward has 200 of them, so each is
    written short — the form's URL once (no ``hx-get`` repeating it: one delegated handler reads the
    ``href``), the accessible name "Record the HH:MM dose" as an ``aria-label``, the due time's and
    each status's markup written once per page. Text from the database goes through ``html.escape``
    (Django's ``escape`` is the same function plus a lazy-string check: this page's values are plain
    strings), as autoescaping would."""
    if not rows:
        return "<p>No patients on this ward.</p>"
    record_head, record_tail = reverse("hospital:dose_record", args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    prn_url = _link("hospital:prn_give")
    tz = timezone.get_current_timezone()
    ward_input = f'<input type="hidden" name="ward" value="{ward.pk}">'
    start_s = start.timestamp()
    scheduled = Dose.Status.SCHEDULED
    clock = {}  # due and given times (epoch seconds) as HH:MM, each distinct moment formatted once
    opening = {}  # (due, overdue) -> the row's due cell, and the Record link's label, once per page
    recorded = {}  # (status, given time) -> the recorded dose's status span

    def hhmm(seconds):
        shown = clock.get(seconds)
        if shown is None:
            shown = clock[seconds] = datetime.datetime.fromtimestamp(seconds, tz).strftime("%H:%M")
        return shown

    headings = {}  # a prescription's heading, written once per distinct medication, dose and status
    parts = []
    add = parts.append
    for row in rows:
        patient_id = row["patient_id"]
        name = _escape(f"{row['first_name']} {row['last_name']}".strip())
        add(f'<section class="card mar-patient" aria-labelledby="p-{patient_id}">\n'
            f'<h2 id="p-{patient_id}">{_escape(row["bed"])} · {name} <small>{_escape(row["mrn"])}</small></h2>\n')
        for rx in row["prescriptions"]:
            active = rx["status"] == Prescription.Status.ACTIVE
            key = (rx["title"], rx["dose_text"], rx["status"])
            heading = headings.get(key)
            if heading is None:
                state = "" if active else f" — {PRESCRIPTION_STATUS_LABELS.get(rx['status'], rx['status'])}"
                heading = headings[key] = (f'<div class="mar-rx"><h3>{_escape(rx["title"])} '
                                           f'<small>{_escape(rx["dose_text"])}{_escape(state)}</small></h3>\n')
            add(heading)
            recordable = can_give and active
            for dose in rx["doses"]:
                due_s, status, dose_id = dose["due_s"], dose["dose_status"], dose["dose_id"]
                overdue = status == scheduled and due_s is not None and due_s < start_s
                cell = opening.get((due_s, overdue))
                if cell is None:
                    due = hhmm(due_s) if due_s is not None else ""
                    cell = opening[due_s, overdue] = (
                        f'"><b>{due or "PRN"}</b>{_OVERDUE if overdue else ""}',
                        f'" aria-label="Record the {due} dose">Record</a></div>\n')
                if status == scheduled:
                    if recordable:
                        add(f'<div data-dose="{dose_id}{cell[0]}<a class="button" href="{record_head}{dose_id}'
                            f'{record_tail}{cell[1]}')
                    else:
                        add(f'<div data-dose="{dose_id}{cell[0]}due</div>\n')
                    continue
                given_s = dose["given_s"]
                shown = recorded.get((status, given_s))
                if shown is None:
                    given = f" {hhmm(given_s)}" if given_s is not None else ""
                    shown = recorded[status, given_s] = (
                        f'<span class="dose-{_escape(status)}">'
                        f'{_escape(DOSE_STATUS_LABELS.get(status, status))}{given}</span>')
                reason = f" — {_escape(dose['reason'])}" if dose["reason"] else ""
                add(f'<div data-dose="{dose_id}{cell[0]}{shown} '
                    f'<small>{_escape(dose["recorded_by"])}{reason}</small></div>\n')
            if not rx["doses"]:
                add("<p><small>No doses due this shift.</small></p>\n")
            if rx["as_needed"] and recordable:
                rx_id = rx["id"]
                add(f'<form method="post" action="{prn_url(rx_id)}">{csrf}{ward_input}'
                    f'<label for="prn-{rx_id}">Given for</label> <input id="prn-{rx_id}" name="reason" '
                    f'placeholder="{_escape(rx["as_needed_condition"])}"> '
                    f'<button type="submit">Give PRN dose</button></form>\n')
            add("</div>\n")
        if not row["prescriptions"]:
            add("<p>No active prescriptions.</p>\n")
        add("</section>\n")
    return "".join(parts)
