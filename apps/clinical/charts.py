"""Server-rendered SVG line charts of a patient's vitals (no JavaScript, no CDN)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

SERIES = [("temp", "Temperature (°C)"), ("pulse", "Pulse (/min)"), ("sbp", "Systolic BP (mmHg)"),
          ("dbp", "Diastolic BP (mmHg)"), ("rr", "Respiration rate (/min)"), ("spo2", "SpO₂ (%)"),
          ("news2_score", "NEWS2"), ("weight_kg", "Weight (kg)"), ("pain", "Pain (0–10)")]
WIDTH, HEIGHT, PAD = 600, 140, 30


def _svg(label, points):
    values = [float(value) for _, value in points]
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def xy(index, value):
        return PAD + index * step, HEIGHT - PAD - (float(value) - low) / (high - low) * (HEIGHT - 2 * PAD)

    coords = [xy(i, value) for i, (_, value) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(when)}: {escape(value)}</title></circle>'
        for (x, y), (when, value) in zip(coords, points))
    return mark_safe(
        f'<svg class="vitals-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)} over time">'
        f'<text x="4" y="14">{escape(label)}</text>'
        f'<text x="4" y="{PAD + 4}" class="axis">{high:g}</text>'
        f'<text x="4" y="{HEIGHT - PAD + 4}" class="axis">{low:g}</text>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="2" points="{line}"/>{dots}</svg>')


def vitals_chart_svg(rows) -> list:
    """[(label, svg)] for each vital with at least one value; rows oldest first."""
    charts = []
    for field, label in SERIES:
        points = [(f"{row.recorded_at:%Y-%m-%d %H:%M}", getattr(row, field)) for row in rows
                  if getattr(row, field) is not None]
        if points:
            charts.append((label, _svg(label, points)))
    return charts
