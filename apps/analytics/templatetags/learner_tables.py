"""A learner's per-EPA progress rows and EPA × rotation coverage rows, written in Python (issue 19):
the template loops cost a variable lookup chain per cell (≈150 cells on the progress page). The
markup is what the templates wrote, values formatted as the template engine formats them
(``localize``, ``floatformat``)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from apps.analytics.tables import formatters, text

register = template.Library()


_text = text  # ``{{ value }}``: localised, escaped (a small int without localize's lookups)


def _cell_class(cell) -> str:
    return "cell-covered" if cell["count"] else "cell-gap" if cell["primary"] else "cell-empty"


@register.simple_tag
def coverage_rows(rows):
    """The ``<tr>`` of each EPA: a count per rotation type ("–": none; ``cell-gap``: a primary EPA there)."""
    if not rows:
        return mark_safe("<tr><td>No EPAs yet.</td></tr>")
    return mark_safe("".join(
        f'\n      <tr><th scope="row">{conditional_escape(row["epa"].short_name)}</th>'
        + "".join(f'<td class="{_cell_class(cell)}">{_text(cell["count"]) if cell["count"] else "–"}</td>'
                  for cell in row["cells"])
        + "</tr>" for row in rows) + "\n    ")


@register.simple_tag
def progress_rows(progress, detail=True):
    """The ``<tr>`` of each EPA with the learner's progress row (``detail``: median and trend too, as
    on the progress page; the portfolio shows the shorter table)."""
    if not progress:
        return mark_safe(f"<tr><td colspan=\"{8 if detail else 6}\">No EPAs in this program's set.</td></tr>")
    _text, fixed = formatters()  # the language and settings once per table
    parts = []
    for row in progress:
        p = row["progress"]
        if p is None:
            parts.append(f'\n      <tr class="never-assessed"><th scope="row">{_text(row["epa"])}</th>\n      '
                         f'<td>0</td><td colspan="{6 if detail else 4}">Never assessed</td></tr>')
            continue
        cells = [p.assessment_count, p.count_last_90_days, p.latest_level, p.highest_level]
        text = [_text(value) for value in cells]
        if detail:
            text += [fixed(p.median_level, 1), fixed(p.level_trend, 2)]
        text.append(_text(p.latest_date))
        parts.append(f'\n      <tr><th scope="row">{_text(row["epa"])}</th>\n      '
                     + "".join(f"<td>{value}</td>" for value in text) + "</tr>")
    return mark_safe("".join(parts) + "\n    ")
