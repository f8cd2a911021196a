"""Score trends as server-drawn SVG (coordinates computed here, drawn by templates/physio/_trend.html):
one line per instrument (KOOS: one per subscale), the published bands as shading and the MCID as a
bar beside the first point."""

from decimal import Decimal

from apps.physio.scoring import registry

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 560, 220, 44, 16, 14, 30


def trend(code, responses) -> dict:
    instrument = registry.get(code)
    low, high = float(instrument.score_min), float(instrument.score_max)
    span = (high - low) or 1
    points_by_series = {}
    if instrument.subscales:
        for sub in instrument.subscales:
            points_by_series[sub.label] = [(r.submitted_at, r.subscales.get(sub.key)) for r in responses]
    else:
        points_by_series[instrument.name] = [(r.submitted_at, r.score) for r in responses]
    times = [r.submitted_at for r in responses]
    t0, t1 = (min(times), max(times)) if times else (None, None)
    width = W - PAD_L - PAD_R
    height = H - PAD_T - PAD_B

    def x(at):
        if t0 is None or t1 == t0:
            return PAD_L + width / 2
        return PAD_L + width * (at - t0).total_seconds() / (t1 - t0).total_seconds()

    def y(value):
        return PAD_T + height * (1 - (float(value) - low) / span)

    series = []
    for n, (label, points) in enumerate(points_by_series.items()):
        plotted = [{"x": round(x(at), 1), "y": round(y(v), 1), "value": Decimal(str(v)), "at": at}
                   for at, v in points if v is not None]
        series.append({"label": label, "n": n % 5, "points": plotted,
                       "path": " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(plotted))})
    bands = [{"label": band.label, "y": round(y(min(float(band.high), high)), 1),
              "h": round(y(float(band.low)) - y(min(float(band.high), high)), 1), "n": i % 2}
             for i, band in enumerate(instrument.bands)]
    mcid = None
    first = next((p for s in series for p in s["points"]), None)
    if instrument.mcid is not None and first is not None:
        direction = 1 if instrument.higher_is_better else -1
        target = float(first["value"]) + direction * float(instrument.mcid)
        target = max(low, min(high, target))
        mcid = {"x": first["x"], "y1": first["y"], "y2": round(y(target), 1), "value": instrument.mcid,
                "source": instrument.mcid_source, "target_y": round(y(target), 1)}
    ticks = [{"y": round(y(v), 1), "label": f"{v:g}"} for v in (low, low + span / 2, high)]
    return {"code": code, "name": instrument.name, "series": series, "bands": bands, "mcid": mcid, "ticks": ticks,
            "width": W, "height": H, "left": PAD_L, "right": W - PAD_R, "bottom": H - PAD_B,
            "higher_is_better": instrument.higher_is_better, "unit": instrument.unit,
            "empty": not any(s["points"] for s in series)}
