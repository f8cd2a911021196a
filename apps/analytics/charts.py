"""Tiny server-side SVG charts (no JavaScript, CSP-safe: classes only, styled in analytics.css)."""

from collections import defaultdict
from datetime import date
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 220, 32


def _svg(body: str, title: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )


LABEL_WIDTH = 64  # room one "Dec 24" label needs on the 640-wide chart, with a gap


def label_step(count: int) -> int:
    """Label every n-th bar: as many labels as fit side by side (24 months → every 3rd)."""
    fit = max((WIDTH - 2 * PAD) // LABEL_WIDTH, 1)
    return max(-(-count // fit), 1)


def bar_chart(points: list[tuple[str, float]], *, title: str) -> SafeString:
    """Vertical bars, one per (label, value); the value is printed above each bar."""
    return titled(bar_chart_body(points), title)


def titled(body: str, title: str) -> SafeString:
    """The chart around ``body`` (markup written by this module) with its title."""
    return _svg(body, title)


def bar_chart_body(points: list[tuple[str, float]]) -> str:
    """``bar_chart``'s drawing without the title: what a page may keep and title per request."""
    if not points:
        return '<text class="chart-empty" x="20" y="40">No data yet</text>'
    top = max(value for _, value in points) or 1
    slot = (WIDTH - 2 * PAD) / len(points)
    every = label_step(len(points))
    parts = [f'<line class="chart-axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>']
    for index, (label, value) in enumerate(points):
        bar_height = (HEIGHT - 2 * PAD) * value / top
        x, y = PAD + index * slot + slot * 0.1, HEIGHT - PAD - bar_height
        parts.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{bar_height:.1f}"><title>{escape(label)}: {value:g}</title></rect>')
        parts.append(f'<text class="chart-value" x="{x + slot * 0.4:.1f}" y="{y - 3:.1f}">{value:g}</text>')
        if index % every == 0:  # every n-th label, so they never overlap (each bar's <title> names it)
            parts.append(f'<text class="chart-label" x="{x + slot * 0.4:.1f}" y="{HEIGHT - PAD + 14}">'
                         f'{escape(label)}</text>')
    return "".join(parts)


def trajectory_chart(points: list[tuple[date, int]], *, max_level: int, title: str) -> SafeString:
    """Each assessment as a dot (x = case date, y = entrustment level) and the monthly mean as a line."""
    return _svg(_trajectory_body(tuple(points), max_level), title)


# The drawing is a pure function of the points and the scale's top (no name, no tenant: the title,
# which names the learner, is added per request), so it is memoised by them: the key is the data
# itself, so a new, edited or deleted assessment is a new key. A page shown again with the same
# assessments draws nothing (≈0.8 ms for a learner's 170 dots; 128 drawings ≈ 4 MB per process).
@lru_cache(maxsize=128)
def _trajectory_body(points: tuple[tuple[date, int], ...], max_level: int) -> str:
    if not points:
        return '<text class="chart-empty" x="20" y="40">No assessments yet</text>'
    first, last = min(day for day, _ in points), max(day for day, _ in points)
    span = max((last - first).days, 1)
    max_level = max(max_level, max(level for _, level in points), 1)

    def xy(day, level):
        x = PAD + (WIDTH - 2 * PAD) * min(max((day - first).days, 0), span) / span
        return x, HEIGHT - PAD - (HEIGHT - 2 * PAD) * level / max_level

    parts = [f'<line class="chart-axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>']
    for level in range(1, max_level + 1):
        _, y = xy(first, level)
        parts.append(f'<line class="chart-grid" x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}"/>'
                     f'<text class="chart-tick" x="{PAD - 6}" y="{y + 4:.1f}">{level}</text>')
    parts += [f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>'
              for x, y in (xy(day, level) for day, level in points)]
    parts.append(f'<polyline class="chart-line" points="{_monthly_means(points, xy)}"/>')
    parts.append(f'<text class="chart-label" x="{PAD}" y="{HEIGHT - 8}">{first:%b %Y}</text>'
                 f'<text class="chart-label chart-label-end" x="{WIDTH - PAD}" y="{HEIGHT - 8}">{last:%b %Y}</text>')
    return "".join(parts)


def _monthly_means(points, xy) -> str:
    months = defaultdict(list)
    for day, level in points:
        months[day.replace(day=15)].append(level)
    coords = (xy(month, sum(levels) / len(levels)) for month, levels in sorted(months.items()))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
