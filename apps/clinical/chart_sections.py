"""Sections that higher contexts add to the patient chart (hospital stays and results, physiotherapy
pain maps and PROM scores, scheduling's next appointments, billing's balance).

Clinical sits below them and never imports them; each registers a callable in its ``nav.py``:
``register_chart_section(section, order=50)``. ``section(request, patient)`` returns None (nothing to
show to this user) or ``(template_name, context)``; it must check its own permission codes through its
access helpers and keep its queries constant (the chart's query count is pinned).
"""

from collections.abc import Callable

CHART_SECTIONS: list[tuple[int, Callable]] = []


def register_chart_section(section: Callable, order: int = 50) -> None:
    if all(existing is not section for _, existing in CHART_SECTIONS):
        CHART_SECTIONS.append((order, section))


def chart_sections_for(request, patient) -> list[tuple[str, dict]]:
    rendered = []
    for _, section in sorted(CHART_SECTIONS, key=lambda pair: pair[0]):
        result = section(request, patient)
        if result is not None:
            rendered.append(result)
    return rendered
