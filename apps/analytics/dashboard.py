"""The program dashboard's month sections (the volume chart, the volume and request tables),
cached until the views are next refreshed (issue 19).

They come from ``program_assessment_metrics`` alone, which changes only when
``services.analytics_refresh`` runs — and it replaces ``VIEWS_TOKEN`` when it does
(``apps.core.cache.cached_until_changed``/``mark_changed``). The key names the company and the
program (the view checks the reader's access to the program on every request before asking) and
the language (month names). Nothing live is cached: the faculty and falling-behind tables name
people, read per request. Without a shared cache (no Redis: tests, the demo) each process keeps its
own copy, which a refresh in another process does not reach; it expires after ``TIMEOUT`` seconds,
the beat's refresh interval."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from apps.academics.models import Program
from apps.analytics import selectors, tables
from apps.analytics.charts import bar_chart_body, titled
from apps.analytics.services import VIEWS_TOKEN
from apps.core.cache import cached_until_changed

TIMEOUT = 600


def _month_sections(program: Program) -> tuple[str, str, str]:
    months = selectors.program_monthly_metrics(program=program)
    return (bar_chart_body([(f"{m['month']:%b %y}", m["assessments"]) for m in months]),
            tables.month_rows(months), tables.request_rows(months))


def month_sections(program: Program) -> dict[str, SafeString]:
    """``chart`` (titled with the program's current name), ``volume_rows`` and ``request_rows``."""
    chart, volume, requests = cached_until_changed(
        f"analytics:{program.company_id}:{program.pk}:months:{get_language()}", VIEWS_TOKEN,
        lambda: _month_sections(program), timeout=TIMEOUT)
    return {"chart": titled(chart, f"Assessments per month, {program}"),
            "volume_rows": mark_safe(volume), "request_rows": mark_safe(requests)}  # noqa: S308 (written escaped by tables)
