"""The program dashboard's table rows, written in Python (issue 19): the template loops cost a
variable lookup chain per cell (four tables, ≈200 cells). The markup is what the template wrote
(tests/analytics/test_dashboard_tables.py compares them byte for byte), values formatted as the
template engine formats them (``localize``, ``floatformat``, ``date``, ``widthratio``) and escaped
as autoescape escapes them."""

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape


def text(value) -> str:
    """``{{ value }}``: localised, escaped (None prints as the engine prints it). A small int is
    its digits, as ``localize`` writes it without a thousand separator (skipping its lookups)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(localize(value))


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
        f'<td>{conditional_escape(floatformat(m["median_days_case_to_submission"], 1) or "—")}</td>'
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
        f'<td>{conditional_escape(floatformat(row["median_days_to_submit"], 1))}</td></tr>' for row in faculty)


def behind_rows(behind: list[dict]) -> str:
    """The falling-behind table's rows (``selectors.program_learners_behind`` with ``progress_url``)."""
    if not behind:
        return '<tr><td colspan="5">Nobody is behind.</td></tr>'
    return "".join(
        f'<tr><th scope="row"><a href="{conditional_escape(row["progress_url"])}">{conditional_escape(row["name"])}'
        f'</a></th><td>{text(row["pgy_level"]) if row["pgy_level"] else "—"}</td><td>{text(row["total"])}</td>'
        f'<td>{text(row["latest"]) if row["latest"] else "never"}</td><td>{conditional_escape(row["reasons"])}</td>'
        "</tr>" for row in behind)
