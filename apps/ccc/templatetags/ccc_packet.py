"""The packet page's loops written in Python (issue 19): the EPA table with its half-year
trajectories, the subcompetency rows with every piece of evidence behind each suggestion, and the
narratives. As template loops they were a few hundred variable lookups, filters and localized
dates a page. As the schedule grid and the compliance report do: every value goes through
``escape`` as autoescaping would, dates and decimals through ``formats.localize`` (once per
value) as ``{{ value }}`` did, ``floatformat`` and ``pluralize`` as the template's filters did.
The markup is the template's own, byte for byte (tests/ccc/test_packet_rows.py renders both)."""

import functools
import html

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()
DASH = "—"


def escape(value) -> str:
    """``django.utils.html.escape``'s bytes without its lazy-string wrapper."""
    return html.escape(str(value))


@functools.lru_cache(maxsize=4096)
def _localize(language, kind, text, value) -> str:
    """``localize(value)`` escaped, per active language: the same few hundred dates and mapping
    weights come back on every packet, and ``date_format`` looks its format up each time. ``kind``
    and ``text`` are in the key because ``Decimal("1.00") == Decimal(1)`` but they are shown apart."""
    return escape(formats.localize(value))


def _localized():
    """``shown(value)``: ``{{ value }}`` of a date or decimal (see ``_localize``)."""
    language = get_language()

    def shown(value):
        return _localize(language, value.__class__, str(value), value)
    return shown


@register.simple_tag
def packet_epa_rows(epa_rows):
    """The ``<tbody>`` rows of "EPA assessments in the period"."""
    means = {}  # the means are floats: equal means are shown alike
    parts = []
    for row in epa_rows:
        history = []
        for label, mean, count in row["history"]:
            if mean not in means:
                means[mean] = escape(floatformat(mean, 1))
            history.append(f"{escape(label)}: {means[mean]} ({count})")
        levels = " → ".join(escape(level) for level in row["levels"])
        parts.append(f'<tr><td>{escape(row["epa"])}</td><td>{row["count"]}</td><td>{levels}</td>\n'
                     f'      <td>{" → ".join(history)}</td></tr>')
    return mark_safe("".join(parts))


def _field(field, code, what) -> str:
    return (f'<label class="visually-hidden" for="{escape(field.id_for_label)}">{escape(code)} {what}</label>'
            f'{conditional_escape(field)}')


@register.simple_tag
def packet_milestone_rows(rows):
    """The subcompetency rows: the suggestion with its evidence, the previous levels, and the
    decided level (or, for the chair, its two form fields: ``row["fields"]``)."""
    if not rows:
        return mark_safe('<tr><td colspan="4" class="help">The program has no milestone set.</td></tr>')
    shown = _localized()
    parts = []
    for row in rows:
        milestone, suggestion = row["milestone"], row["suggestion"]
        code = escape(milestone.subcompetency_code)
        if not row["mapped"]:
            suggested = '<span class="help">no EPA mapped</span>'
        else:
            count = suggestion.count
            evidence = "".join(f"<li>{shown(item.date)} {escape(item.epa_label)}: level {escape(item.level)} × weight "
                               f"{shown(item.weight)} × recency {shown(recency)}</li>"
                               for item, recency in suggestion.evidence)
            suggested = (f'\n          <strong class="suggested" data-code="{code}">'
                         f'{escape(suggestion.level) if suggestion.level else DASH}</strong>\n'
                         f'          <details><summary>{count} assessment{"" if count == 1 else "s"}</summary>\n'
                         f'            <p class="help">{escape(suggestion.explanation)}</p>\n'
                         f'            <ul>{evidence}</ul>\n'
                         f'          </details>')
        previous = "<br>".join(f"{escape(level.academic_year.name)} {escape(level.get_period_display())}: "
                               f"{escape(level.level)}" for level in row["previous"]) or DASH
        fields, current = row.get("fields"), row["current"]
        if fields:
            level_field, rationale_field = fields
            errors = "".join(f'<p class="error">{escape(error)}</p>' for error in level_field.errors)
            decided = (f'\n            {_field(level_field, milestone.subcompetency_code, "level")}\n'
                       f'            {errors}\n'
                       f'            {_field(rationale_field, milestone.subcompetency_code, "rationale")}\n'
                       f'          ')
        elif current:
            decided = escape(current.get_level_display()) + (' <span class="tag">reported</span>'
                                                              if current.reported_at else "")
        else:
            decided = DASH
        parts.append(f'\n      <tr>\n        <td><strong>{code}</strong> {escape(milestone.title)}</td>\n'
                     f'        <td>{suggested}</td>\n'
                     f'        <td>{previous}</td>\n'
                     f'        <td>{decided}</td>\n      </tr>\n    ')
    return mark_safe("".join(parts))


@register.simple_tag
def packet_narratives(narratives):
    """"Narratives by feedback tag": one ``<details>`` per tag label."""
    if not narratives:
        return mark_safe('<p class="help">No narratives in the period.</p>')
    shown = _localized()
    parts = []
    for label, assessments in narratives.items():
        items = "".join(f"<li>{shown(a.assessment_date)} · {escape(a.epa.short_name)} · level "
                        f"{escape(a.entrustment_level)} · {escape(a.assessor)}: {escape(a.narrative_feedback)}</li>"
                        for a in assessments)
        parts.append(f"\n  <details><summary>{escape(label)} ({len(assessments)})</summary>\n"
                     f"    <ul>{items}</ul>\n  </details>\n  ")
    return mark_safe("".join(parts))
