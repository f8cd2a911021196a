"""The roster's rows, written in Python (issue 19): a 25-row page was a template loop of a dozen
lookups and filters per row, most of the page's rendering. Byte for byte what the loop in
``_roster_table.html`` wrote (a test compares both), every value escaped as autoescaping would:
``html.escape(str(value))`` is what ``django.utils.html.escape`` returns, without its lazy-string
wrapper and a SafeString per value (≈200 values a page). Rows are ``selectors.roster_values`` dicts;
the links are reversed once per page."""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from apps.academics.selectors import ROLE_LABELS, STATUS_LABELS

register = template.Library()


def escape(value) -> str:
    return html.escape(str(value))


_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


def role_label(roles) -> str:
    """Every role the person holds in the program, by name."""
    return ", ".join(str(ROLE_LABELS.get(r, r)) for r in sorted(set(roles or ())))


def status_label(status) -> str:
    return str(STATUS_LABELS.get(status, status)) if status is not None else ""


@register.simple_tag
def roster_rows(rows, program_id):
    person = reverse("academics:person_detail", args=[program_id, _PLACEHOLDER])
    portfolio = reverse("analytics_learner_portfolio", args=[_PLACEHOLDER])
    parts = []
    for row in rows:
        first, last = escape(row["first_name"]), escape(row["last_name"])
        learner_id = row["roster_learner_id"]
        link = (f' · <a href="{portfolio.replace(_PLACEHOLDER, str(learner_id))}" aria-label="Portfolio of {first} '
                f'{last}">Portfolio</a>' if learner_id else "")
        parts.append(
            f'\n  <tr><td><a href="{person.replace(_PLACEHOLDER, str(row["id"]))}">{last}, {first}</a>{link}</td>'
            f'\n    <td>{escape(row["email"])}</td><td>{escape(role_label(row["roster_roles"]))}</td>'
            f'<td>{escape(row["roster_pgy"] or "")}</td><td>{escape(status_label(row["roster_status"]))}</td>'
            f'<td>{escape(row["roster_track"] or "")}</td></tr>\n  ')
    return mark_safe("".join(parts))
