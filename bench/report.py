"""Writes docs/benchmarks.md from bench/results-*.json (run by bench/run.py)."""

import json
import statistics
from pathlib import Path

KEY_PAGES = ("learner progress", "program dashboard", "roster", "schedule grid", "assessment form (GET)")
CLINIC_PAGES = ("patient search (name)", "patient search (MRN)", "patient chart", "bed board (40 beds)",
                "ward MAR (40 patients)")
DAY_PAGE = "day view (10 practitioners, 200 appointments)"  # issue 13 (bench/scheduling.py)


def _load(root):
    return {path.stem.split("-")[1]: json.loads(path.read_text()) for path in sorted((root / "bench").glob("results-*.json"))}


def _ratio(result, label):
    """A page's p50 ÷ the floor's p50: the median of each round's ratio (page and floor measured in the
    same round) when the run kept its rounds, else the ratio of the p50s."""
    page, floor = result["pages"][label], result["pages"]["framework floor"]
    pairs = [(p, f) for p, f in zip(page.get("round_p50_ms") or [], floor.get("round_p50_ms") or []) if p and f]
    if pairs:
        return statistics.median(p / f for p, f in pairs)
    return page["p50_ms"] / floor["p50_ms"]


def _verdict(ok):
    return "met" if ok else "**missed**"


def _size_section(size, result):
    lines = [f"## Size {size} — {result['assessments_total']:,} assessment rows in the database",
             f"Run {result['when']} · {result['cpus']} CPUs · gunicorn {result['gunicorn']} · {result['load']} · "
             f"sessions: {result.get('sessions', 'db')} · Celery: {result.get('celery_worker', 'n/a')}.",
             f"Machine load (`uptime`) before: {result.get('uptime_before', 'not captured')}; "
             f"after: {result.get('uptime_after', 'not captured')}.",
             _seed_line(result), "",
             "| Page | p50 ms | p95 ms | req/s | errors | p50 ÷ floor | queries | status |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, timing in result["pages"].items():
        if timing["p50_ms"] is None:
            lines.append(f"| {label} | — | — | 0 | {timing['errors']} | — | — | failed: {timing['error_sample']} |")
            continue
        queries = result["queries"].get(label, {})
        lines.append(f"| {label} | {timing['p50_ms']} | {timing['p95_ms']} | {timing['rps']} | {timing['errors']} | "
                     f"{_ratio(result, label):.1f}× | {queries.get('queries', '—')} | {queries.get('status', '—')} |")
    lines += _post_lines(result.get("post"))
    lines += _booking_lines(result.get("booking"))
    refresh = result["refresh"]
    lines += ["", f"CONCURRENT refresh of all views: {refresh['total_ms']} ms ({refresh['outcome']}); per view: "
              + ", ".join(f"{name} {ms} ms" for name, ms in sorted(refresh["views_ms"].items())) + "."]
    if result["missing_pages"]:
        lines.append(f"Not measured (route not present when the bench ran): {', '.join(result['missing_pages'])}.")
    return lines


def _seed_line(result):
    """How long ``seed_scale`` took for this size's data (recorded by the run that seeded it)."""
    seconds = result.get("seed_seconds")
    if seconds is None:
        return "Seeding time: not recorded (the data was seeded before bench/run.py recorded it)."
    when = f" (seeded {result['seed_when']})" if result.get("seed_when") else ""
    return (f"Seeding time (`seed_scale --size {result['size']}`, all steps, indexes and ANALYZE): "
            f"{seconds / 60:.1f} min{when}.")


def _booking_lines(booking):
    """The booking throughput entry (written by the scheduling bench into ``result["booking"]``):
    shown as it comes, one row of its values."""
    if not booking:
        return []
    if not isinstance(booking, dict):
        return ["", f"Booking throughput: {booking}"]
    keys = [key for key, value in booking.items() if not isinstance(value, (dict, list))]
    return ["", "| Booking throughput | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys),
            "| concurrent booking of the same slots | " + " | ".join(str(booking[key]) for key in keys) + " |"]


def _post_lines(post):
    if not post:
        return ["", "Assessment POST: not measured in this run."]
    return ["", "| Write test | POSTs/s | p50 ms | p95 ms | saved (302) | errors | rows for the posted keys | distinct |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| assessment form POST, {post['threads']} client threads | {post['rps']} | {post['p50_ms']} | "
            f"{post['p95_ms']} | {post['requests']} | {post['errors']} | {post['saved']} | {post['saved_distinct']} |"]


def _booking_lines(booking):
    """Issue 13: 50 clients booking the same 20 slots through the API under gunicorn."""
    if not booking:
        return []
    answers = ", ".join(f"{code}: {count}" for code, count in booking["answers"].items())
    return ["", "| Booking test | clients | slots | appointments made | answers | wall s | exact |",
            "|---|---:|---:|---:|---|---:|---:|",
            f"| booking API, {booking['clients']} clients on the same {booking['slots']} slots | {booking['clients']} | "
            f"{booking['slots']} | {booking['appointments']} | {answers} | {booking['wall_s']} | "
            f"{'yes' if booking['ok'] else '**no**'} |"]


def _scheduling_targets(size, result):
    lines = []
    day = result["pages"].get(DAY_PAGE, {})
    if day.get("p50_ms"):
        ratio = _ratio(result, DAY_PAGE)
        lines.append(f"| day view (10 practitioners, 200 appointments) p50 ≤ 3× floor (at {size}) | {ratio:.1f}× | "
                     f"{_verdict(ratio <= 3)} |")
    if result.get("booking"):
        booking = result["booking"]
        lines.append(f"| booking: {booking['clients']} clients on {booking['slots']} slots → exactly {booking['slots']} "
                     f"appointments, the rest 409, 0 errors (at {size}) | {booking['appointments']} appointments; "
                     + ", ".join(f"{code}: {n}" for code, n in booking["answers"].items()) + f" | {_verdict(booking['ok'])} |")
    return lines


def _post_target(results):
    measured = [(size, results[size]["post"]) for size in ("M", "S") if results.get(size, {}).get("post")]
    if not measured:
        return "| assessment POST ≥ 300/s, 0 errors | **not measured** | — |"
    size, post = measured[0]
    exact = post["saved"] == post["saved_distinct"] == post["requests"]
    ok = post["rps"] >= 300 and post["errors"] == 0 and exact
    return (f"| assessment POST ≥ 300/s, 0 errors (at {size}) | {post['rps']}/s, {post['errors']} errors, "
            f"{post['saved']} rows for {post['requests']} saved responses ({'none lost or duplicated' if exact else 'MISMATCH'}) "
            f"| {_verdict(ok)} |")


def _targets(results):
    lines = ["## Targets", "", "| Target | Result | Verdict |", "|---|---|---|"]
    m, s = results.get("M"), results.get("S")
    for size, result in (("M", m), ("S", s)):
        if not result:
            continue
        worst = max((_ratio(result, p), p) for p in KEY_PAGES
                    if result["pages"].get(p, {}).get("p50_ms"))
        lines.append(f"| key pages p50 ≤ 3× floor (target at M; shown at {size}) | worst {worst[1]} "
                     f"{worst[0]:.1f}× | {_verdict(worst[0] <= 3) if size == 'M' else 'reference'} |")
        clinic = [(_ratio(result, p), p) for p in CLINIC_PAGES
                  if result["pages"].get(p, {}).get("p50_ms")]
        if clinic:
            worst_clinic = max(clinic)
            lines.append(f"| patient search, chart, bed board and MAR p50 ≤ 3× floor (target at M; shown at {size}) | worst "
                         f"{worst_clinic[1]} {worst_clinic[0]:.1f}× | "
                         f"{_verdict(worst_clinic[0] <= 3) if size == 'M' else 'reference'} |")
        lines += _scheduling_targets(size, result)
        most = max(q["queries"] for q in result["queries"].values())
        over = ", ".join(f"{page} {q['queries']}" for page, q in result["queries"].items() if q["queries"] > 12)
        lines.append(f"| ≤ 12 queries per page at {size} | max {most}{f' (over: {over})' if over else ''} | "
                     f"{_verdict(most <= 12)} |")
    for size, result in (("L", results.get("L")), ("M", m), ("S", s)):
        if not result:
            continue
        others = [(_ratio(result, label), label) for label, timing in result["pages"].items()
                  if timing.get("p50_ms") and label not in KEY_PAGES + CLINIC_PAGES + ("framework floor",)]
        if others:
            worst_other = max(others)
            lines.append(f"| every other page p50 ≤ 3× floor (at {size}) | worst {worst_other[1]} "
                         f"{worst_other[0]:.1f}× | {_verdict(worst_other[0] <= 3)} |")
    large = results.get("L")
    if large and s:
        ratios = [(large["pages"][p]["p50_ms"] / s["pages"][p]["p50_ms"], p) for p in large["pages"]
                  if p != "framework floor" and large["pages"][p].get("p50_ms") and s["pages"].get(p, {}).get("p50_ms")]
        if ratios:
            worst_l = max(ratios)
            lines.append(f"| every page p50 at L ≤ 1.5× at S | worst {worst_l[1]} {worst_l[0]:.2f}× | "
                         f"{_verdict(worst_l[0] <= 1.5)} |")
    if large:
        seconds = large.get("seed_seconds")
        lines.append(f"| seed_scale --size L ≤ 20 min | {f'{seconds / 60:.1f} min' if seconds else 'not recorded'} | "
                     f"{_verdict(seconds <= 1200) if seconds else '—'} |")
    if m and s:
        ratio = max((m["pages"][p]["p50_ms"] / s["pages"][p]["p50_ms"], p) for p in KEY_PAGES
                    if m["pages"].get(p, {}).get("p50_ms") and s["pages"].get(p, {}).get("p50_ms"))
        lines.append(f"| page p50 at M ≤ 1.5× at S | worst {ratio[1]} {ratio[0]:.2f}× | {_verdict(ratio[0] <= 1.5)} |")
        same = all(m["queries"][p]["queries"] == s["queries"][p]["queries"] for p in m["queries"] if p in s["queries"])
        lines.append(f"| same query count at S and M | {'identical' if same else 'differs'} | {_verdict(same)} |")
    if m:
        ms = m["refresh"]["views_ms"].get("resident_epa_progress", 0)
        lines.append(f"| CONCURRENT refresh of resident_epa_progress at M ≤ 30 s | {ms / 1000:.1f} s | "
                     f"{_verdict(ms <= 30_000)} |")
    else:
        lines.append("| M targets (floor ratio, M/S ratio, refresh ≤ 30 s) | **not measured** (no M run) | — |")
    lines.append(_post_target(results))
    return lines


def write_report(root):
    results = _load(Path(root))
    lines = ["# Benchmarks", "", "Written by `make bench SIZE=S|M|L` (bench/run.py → bench/report.py); do not edit by "
             "hand. Each size has its own database (rounds_bench_s, _m, _l) on the embedded server, seeded on first "
             "use by `manage.py seed_scale --size <size>` (S ≈ 10k assessments in a minute or two, M = 1M, L = 16M "
             "assessments, 16M work-hour entries and a 1M-patient clinic: rows generated in PostgreSQL, indexes "
             "and keys built after the load; L needs ≈ 25 GB of disk; the seeding time is shown per size). Load: threads + http.client against "
             "gunicorn on 127.0.0.1 with a signed-in program coordinator's session (a faculty member's for the "
             "assessment form and its POST), every page measured in turn and then again (rounds; a page's "
             "p50, p95 and req/s are the medians of its rounds, so a drift of the machine's speed falls on every "
             "page alike); queries counted with the Django test client on a warm second visit "
             "(with database sessions this includes the session read and save; with Redis sessions there are none). "
             "The write test GETs the form once for the CSRF token, then POSTs it from N threads, each time with a "
             "fresh submission_key; any answer but 302 is an error, and the rows for the posted keys are counted.", ""]
    lines += _targets(results) + [""]
    for size in ("S", "M", "L"):
        if size in results:
            lines += _size_section(size, results[size]) + [""]
    (Path(root) / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n" + _notes(root))


def _notes(root):
    path = Path(root) / "bench" / "NOTES.md"
    return path.read_text() if path.exists() else ""
