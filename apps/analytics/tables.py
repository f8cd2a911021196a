"""The program dashboard's table rows, written in Python (issue 19): the template loops cost a
variable lookup chain per cell (four tables, ≈200 cells). The markup is what the template wrote
(tests/analytics/test_dashboard_tables.py compares them byte for byte), values formatted as the
template engine formats them (``localize``, ``floatformat``, ``date``, ``widthratio``) and escaped
as autoescape escapes them."""

import datetime
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.translation import get_language


def text(value) -> str:
    """``{{ value }}``: localised, escaped (None prints as the engine prints it). A small int is
    its digits, as ``localize`` writes it without a thousand separator (skipping its lookups); a
    date is written once per language and day (``_localized``)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if type(value) is datetime.date:
        return _localized(get_language(), value)
    return conditional_escape(localize(value))


def fixed(value, places: int) -> str:
    """``{{ value|floatformat:places }}``, escaped. A float is written once per language, value and
    places (``_fixed``): the filter's Decimal arithmetic was a third of the progress page's rows."""
    if type(value) is float:
        return _fixed(get_language(), value, places)
    return conditional_escape(floatformat(value, places))


def formatters():
    """``text`` and ``fixed`` bound to the active language and the thousand-separator setting, for a
    table writer to ask once per table: both lookups cost more than a memoised cell."""
    language, grouping = get_language(), settings.USE_THOUSAND_SEPARATOR

    def bound_text(value) -> str:
        kind = type(value)
        if kind is int and not grouping:
            return str(value)
        if kind is datetime.date:
            return _localized(language, value)
        return conditional_escape(localize(value))

    def bound_fixed(value, places: int) -> str:
        if type(value) is float:
            return _fixed(language, value, places)
        return conditional_escape(floatformat(value, places))

    return bound_text, bound_fixed


# Memos of pure formatting (the output depends on the value, the active language and the format
# settings only; no row, user or tenant is in them): a value's text is computed once per process.
# A settings change (tests' override_settings) empties them, as Django empties its format caches.
@lru_cache(maxsize=4096)
def _localized(language, value) -> str:
    return conditional_escape(localize(value))


@lru_cache(maxsize=4096)
def _fixed(language, value, places) -> str:
    return conditional_escape(floatformat(value, places))


def _forget_formats(**kwargs):
    _localized.cache_clear()
    _fixed.cache_clear()


setting_changed.connect(_forget_formats, dispatch_uid="analytics-tables-formats")


def percent(share) -> str:
    """``{% widthratio share 1 100 %}``: the share in percent, rounded as Python rounds ("" for None)."""
    try:
        return str(round(float(share) / 1.0 * 100))
    except (ValueError, TypeError, OverflowError):
        return ""


def month_rows(months: list[dict]) -> str:
    """The monthly volume table's rows."""
    if not months:
        return '<tr><td colspan="7">No assessments yet.</td></tr>'
    return "".join(
        f'<tr><th scope="row">{conditional_escape(date_format(m["month"], "M Y"))}</th>'
        f'<td>{text(m["assessments"])}</td><td>{text(m["learners_assessed"])}</td><td>{text(m["faculty_active"])}</td>'
        f'<td>{fixed(m["median_days_case_to_submission"], 1) or "—"}</td>'
        f'<td>{percent(m["useful_narrative_share"]) + "%" if m["useful_narrative_share"] is not None else "—"}</td>'
        f'<td>{text(m["tag_uses"])}</td></tr>' for m in months)


def request_rows(months: list[dict]) -> str:
    """The request completion table's rows: the months in which requests were created."""
    if not months:
        return '<tr><td colspan="4">No requests yet.</td></tr>'
    return "".join(
        f'<tr><th scope="row">{conditional_escape(date_format(m["month"], "M Y"))}</th>'
        f'<td>{text(m["requests_created"])}</td><td>{text(m["requests_completed"])}</td>'
        f'<td>{percent(m["request_completion_rate"])}%</td></tr>' for m in months if m["requests_created"])


def faculty_rows(faculty: list[dict]) -> str:
    """The faculty engagement table's rows (``selectors.program_faculty_engagement``)."""
    if not faculty:
        return '<tr><td colspan="5">Nobody has assessed yet.</td></tr>'
    return "".join(
        f'<tr><th scope="row">{conditional_escape(row["name"])}</th><td>{text(row["assessments"])}</td>'
        f'<td>{text(row["assessments_last_90_days"])}</td><td>{text(row["latest_date"])}</td>'
        f'<td>{fixed(row["median_days_to_submit"], 1)}</td></tr>' for row in faculty)


def behind_rows(behind: list[dict]) -> str:
    """The falling-behind table's rows (``selectors.program_learners_behind`` with ``progress_url``)."""
    if not behind:
        return '<tr><td colspan="5">Nobody is behind.</td></tr>'
    return "".join(
        f'<tr><th scope="row"><a href="{conditional_escape(row["progress_url"])}">{conditional_escape(row["name"])}'
        f'</a></th><td>{text(row["pgy_level"]) if row["pgy_level"] else "—"}</td><td>{text(row["total"])}</td>'
        f'<td>{text(row["latest"]) if row["latest"] else "never"}</td><td>{conditional_escape(row["reasons"])}</td>'
        "</tr>" for row in behind)
