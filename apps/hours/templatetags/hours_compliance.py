"""The compliance report's rows written in Python (issue 15): 100 residents × 9 cells and every
violation of the period were most of the page's time as template loops with a ``{% url %}`` and
a dozen lookups per row. As the schedule grid and the bed board do: every value goes through
``escape`` as autoescaping would, the drill-down link is one ``reverse`` per page with the row's
id put in by string, times are shown in the active time zone (the view's ``timezone.override``)
as the ``|date`` filter did. The markup is the template's own, byte for byte
(tests/hours/test_compliance_page.py)."""

import html
import uuid

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

register = template.Library()
_PLACEHOLDER = str(uuid.UUID(int=0))


def escape(value) -> str:
    """``django.utils.html.escape``'s bytes (``html.escape(str(value))``) without its lazy-string
    wrapper: called a few hundred times a page."""
    return html.escape(str(value))


def _drill_down(program, start, end):
    """``link(learner_id)``: the resident's drill-down for the period (one ``reverse``)."""
    head, tail = reverse("hours:compliance_learner", args=[program.pk, _PLACEHOLDER]).split(_PLACEHOLDER)
    query = f"?start={start.isoformat()}&amp;end={end.isoformat()}"
    return lambda pk: f"{head}{pk}{tail}{query}"


@register.simple_tag
def compliance_summary_rows(summaries, program, start, end, codes):
    """The rows of "Per resident and rule" (``selectors.compliance_report``'s summaries): counts per
    rule and the warnings, or "being recomputed" for a resident whose findings are not current."""
    if not summaries:
        return mark_safe('<tr><td colspan="9">No residents.</td></tr>')
    link, pending = _drill_down(program, start, end), f'<td colspan="{len(codes) + 1}">being recomputed</td>'
    clean = "<td>0</td>" * (len(codes) + 1)  # most residents: no violation, no warning
    parts = []
    for s in summaries:
        learner = s.learner
        if not s.fresh:
            cells = pending
        elif not s.warnings and not any(s.counts.values()):
            cells = clean
        else:
            cells = "".join(f"<td><strong>{n}</strong></td>" if n else "<td>0</td>" for n in s.counts.values())
            cells += f"<td>{s.warnings}</td>"
        parts.append(f'<tr><td><a href="{link(learner.pk)}">{escape(learner.name)}</a></td>'
                     f"<td>{escape(learner.pgy_level)}</td>{cells}</tr>\n")
    return mark_safe("".join(parts))


@register.simple_tag
def compliance_violation_rows(rows, program, start, end):
    """The rows of "Violations": resident, rule (warnings marked), from and to in the active time
    zone, detail, the rotation it started in ("—" outside one) and the note."""
    if not rows:
        return mark_safe('<tr><td colspan="7">No violations in this period.</td></tr>')
    link, tz = _drill_down(program, start, end), timezone.get_current_timezone()
    parts = []
    for r in rows:
        v = r.violation
        parts.append(
            f'<tr><td><a href="{link(r.learner.pk)}">{escape(r.learner.name)}</a></td>'
            f'<td>{escape(v.rule)}{" (warning)" if v.is_warning else ""}</td>'
            f"<td>{timezone.localtime(v.start, tz):%Y-%m-%d %H:%M}</td><td>{timezone.localtime(v.end, tz):%Y-%m-%d %H:%M}</td>"
            f"<td>{escape(v.detail)}</td><td>{escape(r.rotation) if r.rotation else '—'}</td>"
            f"<td>{escape(r.note)}</td></tr>\n")
    return mark_safe("".join(parts))
