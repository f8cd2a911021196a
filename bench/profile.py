"""Where a bench page's time goes: N requests of one page in-process, with the Django test client.

    .venv/bin/python bench/profile.py --size S --page "schedule grid"            # timings + profile
    .venv/bin/python bench/profile.py --size S --page "assessment POST" -n 50
    .venv/bin/python bench/profile.py --size S --page all --no-profile           # medians of every page
    .venv/bin/python bench/profile.py --size S --page "roster" --html /tmp/roster.html

Same database, data and personas as bench/run.py (its size's rounds_bench_<size> database on the
embedded server, seeded by seed_scale on first use; DATABASE_URL wins), signed in the same way
(``signed_in_client``), the pages it measures (``pages()``) plus "assessment POST" (the real form,
a fresh submission key each time, as the faculty persona). Settings are the bench's, so without
REDIS_URL sessions are database sessions (their queries are counted); the tasks a POST dispatches are
written to the outbox and handed to Celery's in-memory broker, as a request hands them to a worker
(``--eager``: run them in the request, as the tests and the demo do). Set REDIS_URL to measure what
production runs. The assessments the POSTs saved (with their tags, history rows and notifications)
are deleted at the end (``run.bench_posts_remove``), so profiling the POST does not grow the data
the other pages show.

First it times ``-n`` requests without a profiler (after a warm-up request) and prints the median,
p90 and minimum wall time, the median CPU time of this process (Python, without PostgreSQL's own
work: the steadiest number on a shared machine), the query count of one request and the response
size; then, unless ``--no-profile``, it runs
the same requests under pyinstrument (``--profiler cprofile`` for cProfile) and prints the call tree
(or writes it as HTML with ``--html``); cProfile counts CPU time only and prints the 70 costliest
calls by cumulative and the 40 by own time. Nothing is written to the bench's result files.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

# This file's folder leaves the path: its name would hide the standard library's `profile` (cProfile's base).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
from bench import run  # noqa: E402  (sets Django up on the bench database of --size)

POST_PAGE = "assessment POST"
POSTED_KEYS = []  # the submission keys this run posted: removed at the end (run.bench_posts_remove)


def _post_requester(client, faculty):
    choices = run.post_choices(faculty)
    if not choices:
        raise SystemExit("the faculty persona has no learner/EPA to assess")
    url = run.reverse("assessments:new")
    counter = iter(range(10**9))

    def request():
        n, key = next(counter), str(uuid.uuid4())
        POSTED_KEYS.append(key)
        response = client.post(url, {**choices[n % len(choices)], "submission_key": key,
                                     "complications_occurred": "unknown",
                                     "narrative_feedback": "Bench: clear plan, safe technique."})
        if response.status_code != 302:
            raise SystemExit(f"the POST was not saved ({response.status_code}): {response.content[:500]!r}")
        return response
    return request


def requester(label, urls, users, *, eager=False):
    """A function making one request of the page, with its persona signed in."""
    if label == POST_PAGE:
        if not eager:  # as with a worker: tasks go to the outbox and an in-memory broker, not run here
            from config.celery import app

            app.conf.task_always_eager = False
        return _post_requester(run.signed_in_client(users["faculty"]), users["faculty"])
    url, persona = urls[label]
    client = run.signed_in_client(users[persona])

    def request():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {url} answered {response.status_code}")
        return response
    return request


def measure(request, count, *, show_queries=False):
    request()  # warm-up: the first request after sign-in stores the CSRF token, fills caches
    with run.CaptureQueriesContext(run.connection) as captured:
        response = request()
    queries = len(captured.captured_queries)  # now: each request (request_started) empties the log
    if show_queries:
        for n, query in enumerate(captured.captured_queries, 1):
            print(f"{n:3} {query['sql'][:160]}")
    timings, cpu = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.thread_time()
        request()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"median_ms": round(statistics.median(timings), 1), "p90_ms": round(timings[int(len(timings) * 0.9) - 1], 1),
            "min_ms": round(timings[0], 1), "cpu_median_ms": round(statistics.median(cpu), 1), "queries": queries,
            "bytes": len(response.content)}


def profile(request, count, *, profiler, html=None):
    if profiler == "cprofile":
        import cProfile
        import pstats

        # CPU time of this thread: waiting for PostgreSQL (or for the CPU, on a busy machine) is left out
        with cProfile.Profile(time.thread_time) as prof:
            for _ in range(count):
                request()
        stats = pstats.Stats(prof)
        if os.environ.get("PROFILE_DUMP"):
            stats.dump_stats(os.environ["PROFILE_DUMP"])
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)
        return
    from pyinstrument import Profiler

    prof = Profiler(interval=0.0005)
    prof.start()
    for _ in range(count):
        request()
    prof.stop()
    if html:
        Path(html).write_text(prof.output_html())
        print(f"profile written to {html}")
    else:
        print(prof.output_text(unicode=True, color=False, show_all=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", choices=sorted(run.PREFIXES))
    parser.add_argument("--page", required=True, help=f"a bench page label, several separated by ';', '{POST_PAGE}', or 'all'")
    parser.add_argument("-n", "--requests", type=int, default=30)
    parser.add_argument("--profiler", choices=["pyinstrument", "cprofile"], default="pyinstrument")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    parser.add_argument("--html", help="write pyinstrument's HTML report here instead of printing the tree")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request (160 characters each)")
    parser.add_argument("--eager", action="store_true",
                        help=f"{POST_PAGE}: run the tasks it dispatches in the request (the default without "
                             "REDIS_URL); without it they are queued as for a worker, so the request is measured")
    options = parser.parse_args()

    run.rls.use_owner_login()
    run.call_command("migrate", verbosity=0)
    users, learner, program, year = run.ensure_data(options.size)
    run.rls.use_app_login()
    ward, meeting = users.pop("ward", None), users.pop("ccc_meeting", None)
    urls, _missing = run.pages(learner, program, year, users.get("practitioner"), ward, meeting)
    labels = [*urls, POST_PAGE] if options.page == "all" else [label.strip() for label in options.page.split(";")]
    for label in labels:
        if label not in urls and label != POST_PAGE:
            raise SystemExit(f"unknown page {label!r}; pages: {', '.join([*urls, POST_PAGE])}")
    try:
        for label in labels:
            request = requester(label, urls, users, eager=options.eager)
            print(f"{label}: {measure(request, options.requests, show_queries=options.queries)}", flush=True)
            if not options.no_profile:
                profile(request, options.requests, profiler=options.profiler, html=options.html)
    finally:
        if POSTED_KEYS:  # the measured pages' data as it was: the POSTs' rows go (bench/run.py's cleanup)
            print(f"removed what the POSTs wrote: {run.bench_posts_remove(POSTED_KEYS)}")
            if options.eager:  # their tasks refreshed the analytics views: rebuild them without the rows
                run.analytics_refresh(concurrently=False)


if __name__ == "__main__":
    # As bench/run.py: the script's own reads run under the RLS bypass; each request binds its tenant.
    with run.rls.bypass("bench: profiling script"):
        main()
