"""A tiny server-rendered SVG line chart of entrustment levels over time (no JS library)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 320, 120, 16


def trajectory_svg(points, *, max_level: int, title: str) -> str:
    """``points`` is [(date, level)] in date order; returns an accessible inline <svg>."""
    if not points:
        return ""
    first, last = points[0][0].toordinal(), points[-1][0].toordinal()
    span = max(last - first, 1)

    def xy(day, level):
        x = PAD + (day.toordinal() - first) / span * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (level - 1) / max(max_level - 1, 1) * (HEIGHT - 2 * PAD)
        return f"{x:.1f},{y:.1f}"

    coords = [xy(day, level) for day, level in points]
    dots = "".join(f'<circle cx="{c.split(",")[0]}" cy="{c.split(",")[1]}" r="3" class="chart-dot"/>' for c in coords)
    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
        for y in (HEIGHT - PAD - (n - 1) / max(max_level - 1, 1) * (HEIGHT - 2 * PAD) for n in range(1, max_level + 1)))
    return mark_safe(
        f'<svg class="trajectory" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{grid}"
        f'<polyline points="{" ".join(coords)}" class="chart-line"/>{dots}</svg>')
