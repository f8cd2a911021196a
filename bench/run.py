"""Rounds benchmark: `make bench SIZE=S` (or M, L). See docs/benchmarks.md for what it measures.

Seeds the size with seed_scale if its companies are missing, starts gunicorn on 127.0.0.1 only,
signs a session in, measures p50/p95 of key pages with a small threaded http.client load
generator (bounded request counts and a time limit), counts queries per page with the Django
test client, times a CONCURRENT refresh of each analytics view, and writes bench/results-<size>.json
and docs/benchmarks.md (from every results file present).

The write test (1,000 assessment POSTs by the faculty persona, for the learners of the measured
program) leaves the measured pages' data unchanged: after it, ``bench_posts_remove`` deletes the
assessments it saved (found by their submission keys), their tags, simple-history rows and
notifications, so "learner progress", "CCC packet" and the dashboard do not grow from run to run.
The audit rows stay (the audit log is append-only)."""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The benchmark configuration: Rounds' settings plus the framework floor route (never in production URLs).
# Set in the environment, so the gunicorn and Celery processes started below use it too.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"


def _bench_database_urls() -> tuple[str, str]:
    """Each size measures its own database on the embedded server (rounds_bench_s, _m, _l), so S is
    never measured inside M's rows. DATABASE_URL, when set, wins (an external server).
    (app role URL, owner URL): pages are measured as the app role, under row-level security."""
    from config.database import embedded_app_database_url, embedded_database_url

    size = sys.argv[sys.argv.index("--size") + 1] if "--size" in sys.argv else "S"
    name = f"rounds_bench_{size.lower()}"
    return embedded_app_database_url(ROOT / "var", name), embedded_database_url(ROOT / "var", name)


if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = _bench_database_urls()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from apps.academics.models import AcademicYear, Faculty, Learner  # noqa: E402
from apps.analytics.management.commands.seed_scale import synthetic_scale  # noqa: E402
from apps.analytics.models import AnalyticsRefresh  # noqa: E402
from apps.analytics.services import analytics_refresh  # noqa: E402
from apps.clinical.models import Patient  # noqa: E402
from apps.core import rls  # noqa: E402
from apps.core.scoping import unscoped  # noqa: E402
from apps.tenants.models import Company, User  # noqa: E402

PREFIXES = {"S": "scale", "M": "scalem", "L": "scalel"}
SEEDED = {}  # seed_scale's duration when this run seeded the size (else the last results file's)
TIME_LIMIT_SECONDS = 60  # per page, on top of the request count bound
# Unmeasured requests per client thread before each page is timed: the first page measured (the
# floor) used to pay gunicorn's workers booting after the port opened and each thread's first
# connection (its p50 read 23.6 ms against 6-8 ms when warm); now every page is timed warm alike.
WARM_UP = 3
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def ensure_data(size):
    prefix = PREFIXES[size]
    with unscoped("bench: platform maintenance"):
        if not Company.objects.filter(subdomain=f"{prefix}-0").exists():
            started = time.monotonic()
            call_command("seed_scale", "--size", size, "--company-prefix", prefix)
            SEEDED.update(seconds=round(time.monotonic() - started, 1), when=time.strftime("%Y-%m-%d %H:%M UTC"))
            print(f"seeded {size} in {SEEDED['seconds']}s")
        synthetic_scale(prefix)  # levels, for data seeded before seed_scale created them
        coordinator = User.objects.get(email=f"coordinator-0-0@{prefix}.example")
        resident = User.objects.get(email=f"resident-0-0-0@{prefix}.example")
        faculty = User.objects.get(email=f"faculty-0-0-0@{prefix}.example")
        learner = Learner.objects.get(user=resident)
        year = AcademicYear.objects.filter(program=learner.program).first()
        users = {"coordinator": coordinator, "faculty": faculty}
        practitioner = User.objects.filter(email=f"practitioner-0@{prefix}.example").first()
        if practitioner:  # data seeded before seed_scale built the clinic has no clinical pages
            users["practitioner"] = practitioner
        # The work-hour compliance report of the 100-resident program (seed_scale's hours step);
        # absent from data seeded before that step existed (then listed as a missing page).
        hours_coordinator = User.objects.filter(email=f"coordinator-hours@{prefix}.example").first()
        if hours_coordinator is not None:
            users["hours_coordinator"] = hours_coordinator
            learner.program.hours_program_id = Learner.objects.filter(user__email=f"resident-hours-0@{prefix}.example"
                                                                      ).values_list("program_id", flat=True).first()
            ensure_hours_findings(hours_coordinator.company_id, learner.program.hours_program_id)
        users["nurse"], users["ward"] = ensure_hospital_ward(coordinator.company)
        users["ccc_chair"], users["ccc_meeting"] = ensure_ccc_meeting(learner.program, coordinator)
        # the packet reads its residents' stored findings: data seeded before seed_scale stored every
        # resident's gets the measured program's once here
        ensure_hours_findings(learner.program.company_id, learner.program.pk)
        users["reception"], users["booking_world"] = ensure_scheduling_day()
        autovacuum_catch_up()
    return users, learner, learner.program, year


def autovacuum_catch_up():
    """Do now what autovacuum would do next, with its default thresholds, before anything is timed:
    ANALYZE the tables the bench's own fixtures wrote after seed_scale's ANALYZE (without it
    PostgreSQL planned the day view's 200 appointments as one row, a sequential scan per
    appointment), and VACUUM what the previous run's write test inserted and removed (left to
    autovacuum, it ran during the next run's pages: the day view, timed last, read 3.3x then 6.1x
    the floor in two runs a minute apart)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, relname), "
            "       n_dead_tup > 50 + 0.2 * n_live_tup OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup "
            "FROM pg_stat_user_tables "
            "WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup "
            "   OR n_mod_since_analyze > 50 + 0.1 * n_live_tup")
        for table, vacuum in cursor.fetchall():
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {table}")


def ensure_scheduling_day():
    """Issue 13's bench: bench/scheduling.py's clinic (its own company: 10 practitioners with 200
    appointments on one day, a free practitioner and 50 patients for the booking test), created once
    per size database. Returns the reception persona and the booking test's world."""
    from bench import scheduling

    world = scheduling.seed(refill=False)
    return world["reception"], world


def scheduling_pages():
    """The appointment book's day view of the bench clinic (issue 13), for reception."""
    from bench import scheduling

    site_id = scheduling.bench_site_id()
    return {scheduling.DAY_PAGE: scheduling.day_url(site_id) if site_id else None}


def booking_load(port, cookie, world):
    """Issue 13's throughput test against gunicorn: 50 clients POST the booking API for the same 20
    slots; exactly 20 appointments, 30 clean 409s, no error."""
    from bench import scheduling

    return scheduling.booking_throughput(world, scheduling.http_poster(port, cookie))


def ensure_hours_findings(company_id, program_id):
    """The compliance report and the CCC packet read stored findings (issue 15): data seeded before
    seed_scale stored them gets a program's once here (the report would say "being recomputed" for
    every resident, the packet would run the rules engine on every request)."""
    from apps.hours.findings import compliance_recompute_program
    from apps.hours.models import ComplianceState

    if not ComplianceState.objects.for_company(company_id).filter(learner__program_id=program_id).exists():
        started = time.monotonic()
        compliance_recompute_program(company_id=company_id, program_id=program_id)
        print(f"stored the findings of program {program_id} in {time.monotonic() - started:.1f}s")


def ensure_hospital_ward(company, beds=40):
    """Issue 16's bench: a 40-bed ward, every bed occupied, two prescriptions per patient with a day of
    doses, and a nurse there (created once per size database, straight with the ORM)."""
    import datetime

    from django.utils import timezone

    from apps.hospital.mar import dose_schedule_extend
    from apps.hospital.models import Admission, Bed, BedAssignment, Prescription, Ward
    from apps.tenants.models import Membership, Site

    site = Site.objects.for_company(company).order_by("name").first()
    ward = Ward.objects.for_company(company).filter(site=site, name="Bench Ward").first()
    nurse = User.objects.filter(email=f"nurse-bench@{company.subdomain}.example").first()
    if ward is not None and nurse is not None:
        return nurse, ward
    nurse = User.objects.create_user(f"nurse-bench@{company.subdomain}.example", "rounds-demo", company=company,
                                     first_name="Bench", last_name="Nurse", email_verified=True)
    Membership.objects.create(user=nurse, role="nurse", site=site, company=company)
    doctor = User.objects.create_user(f"doctor-bench@{company.subdomain}.example", "rounds-demo", company=company,
                                      first_name="Bench", last_name="Doctor", email_verified=True)
    ward = Ward.objects.create(site=site, name="Bench Ward", company=company)
    now = timezone.now()
    for n in range(beds):
        bed = Bed.objects.create(ward=ward, label=f"B-{n:02d}", status="occupied", company=company)
        patient = Patient.objects.create(home_site=site, company=company, mrn=f"BENCH-{n:04d}", first_name="Bench",
                                         last_name=f"Patient {n}", date_of_birth=datetime.date(1950, 1, 1))
        admission = Admission.objects.create(patient=patient, site=site, reason="Bench", company=company,
                                             admitting_practitioner=doctor, admitted_at=now - datetime.timedelta(days=2))
        BedAssignment.objects.create(admission=admission, patient=patient, bed=bed, start=admission.admitted_at,
                                     assigned_by=doctor, company=company)
        for medication, frequency in (("Paracetamol", "QID"), ("Enoxaparin", "daily")):
            prescription = Prescription.objects.create(
                patient=patient, site=site, prescriber=doctor, medication=medication, dose=1, dose_unit="tablet",
                route="oral", frequency=frequency, start_at=now - datetime.timedelta(days=1), company=company)
            dose_schedule_extend(prescription=prescription, now=now)
    return nurse, ward


def ensure_ccc_meeting(program, coordinator, milestones=6):
    """Issue 19's CCC packet page: the synthetic program gets a synthetic milestone set (placeholder
    wording, ``milestones`` subcompetencies), each EPA mapped to two of them, and a planned
    mid-year meeting of its 30 residents chaired by faculty-…-0 (created once per size database,
    through the CCC services). Returns the chair and the meeting."""
    import datetime

    from apps.academics.models import Program
    from apps.ccc import services
    from apps.ccc.models import CCCMeeting, Period
    from apps.reference.models import EPA, Competency, Milestone, MilestoneSet

    meeting = CCCMeeting.objects.for_company(program.company_id).filter(program=program).first()
    if meeting is None:
        competency, _ = Competency.objects.get_or_create(code="bench-synthetic", defaults={
            "name": "Synthetic competency (bench)", "abbreviation": "SYN", "display_order": 99})
        milestone_set, _ = MilestoneSet.objects.get_or_create(
            specialty_id=program.specialty_id, version="1",
            defaults={"name": "Synthetic milestones", "effective_date": datetime.date(2023, 7, 1)})
        for number in range(1, milestones + 1):
            Milestone.objects.get_or_create(milestone_set=milestone_set, subcompetency_code=f"SYN{number}", defaults={
                "competency": competency, "title": f"Synthetic subcompetency {number}", "display_order": number,
                **{f"level_{level}": f"Placeholder level {level} wording." for level in range(1, 6)}})
        Program.objects.filter(pk=program.pk).update(milestone_set=milestone_set)
        program.milestone_set_id = milestone_set.pk
        epas = list(EPA.objects.filter(epa_set_id=program.epa_set_id).order_by("number").values_list("pk", flat=True))
        milestone_ids = list(Milestone.objects.filter(milestone_set=milestone_set).order_by("display_order")
                             .values_list("pk", flat=True))
        # each EPA is evidence for two subcompetencies (as a real mapping: a few, not all)
        services.mapping_set(actor=coordinator, program=program, weights={
            (epa, milestone_ids[(index + shift) % len(milestone_ids)]): 1
            for index, epa in enumerate(epas) for shift in (0, 1)})
        faculty = list(Faculty.objects.for_company(program.company_id).filter(program=program)
                       .order_by("user__email").values_list("user_id", flat=True)[:4])
        learners = list(Learner.objects.for_company(program.company_id).filter(program=program)
                        .values_list("pk", flat=True))
        meeting = services.meeting_create(
            actor=coordinator, program=program, academic_year=AcademicYear.objects.filter(program=program).first(),
            period=Period.MID_YEAR, date=datetime.date(2026, 12, 8), chair=User.objects.get(pk=faculty[0]),
            member_ids=faculty, learner_ids=learners)
    return meeting.chair, meeting


def ccc_pages(meeting, learner):
    """One resident's CCC packet (two years of EPA evidence against the program's milestones)."""
    return {"CCC packet": reverse("ccc:resident", args=[meeting.pk, learner.pk])}


def hospital_pages(ward):
    """The bed board and the ward's MAR for the 40-bed bench ward (issue 16)."""
    return {"bed board (40 beds)": reverse("hospital:bed_board", args=[ward.site_id]),
            "ward MAR (40 patients)": reverse("hospital:mar", args=[ward.pk])}


def first_url(candidates):
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def clinical_pages(practitioner):
    """Patient search (a typed first and last name, the common case at a front desk, and an MRN) and
    a chart of a patient with visits and vitals, in the synthetic clinic."""
    if practitioner is None:
        return {"patient search (name)": None, "patient search (MRN)": None, "patient chart": None}
    with unscoped("bench: pick a patient"):
        patient = (Patient.objects.filter(company_id=practitioner.company_id, mrn__startswith="SCL-")
                   .order_by("mrn")[1000:1001].first()
                   or Patient.objects.filter(company_id=practitioner.company_id).order_by("mrn").first())
    if patient is None:
        return {"patient search (name)": None, "patient search (MRN)": None, "patient chart": None}
    home = reverse("clinical:home")
    return {"patient search (name)": f"{home}?{urlencode({'q': f'{patient.first_name} {patient.last_name}'})}",
            "patient search (MRN)": f"{home}?{urlencode({'q': patient.mrn})}",
            "patient chart": reverse("clinical:chart", args=[patient.pk])}


def pages(learner, program, year, practitioner=None, ward=None, meeting=None):
    found = {
        "framework floor": reverse("bench_floor"),
        "learner progress": reverse("analytics_learner_progress", args=[learner.pk]),
        "program dashboard": reverse("analytics_program_dashboard", args=[program.pk]),
        "roster": first_url([("academics:roster", {"program_id": program.pk})]),
        "schedule grid": first_url([("academics:grid", {"program_id": program.pk, "year_id": year.pk})]),
        "assessment form (GET)": first_url([("assessments:new", {})]),
        **clinical_pages(practitioner),
        "work-hour compliance (100 residents)": first_url(
            [("hours:compliance", {"program_id": getattr(program, "hours_program_id", None)})]
        ) if getattr(program, "hours_program_id", None) else None,
        **(hospital_pages(ward) if ward is not None else {}),
        **(ccc_pages(meeting, learner) if meeting is not None else {}),
        **scheduling_pages(),
    }
    # the form is for assessors, clinic pages for the practitioner, the compliance report for its program's
    # coordinator; the rest for the coordinator
    personas = {"assessment form (GET)": "faculty", "patient search (name)": "practitioner",
                "patient search (MRN)": "practitioner", "patient chart": "practitioner",
                "work-hour compliance (100 residents)": "hours_coordinator",
                "bed board (40 beds)": "nurse", "ward MAR (40 patients)": "nurse",  # the ward's own nurse
                "CCC packet": "ccc_chair", "day view (10 practitioners, 200 appointments)": "reception"}
    return ({label: (url, personas.get(label, "coordinator")) for label, url in found.items() if url},
            [label for label, url in found.items() if not url])


def signed_in_client(user) -> Client:
    """A client fully signed in: clinical roles also pass the second factor, as after the verify step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.tenants.two_factor import NEEDS_SECOND_FACTOR

    client = Client()
    client.force_login(user)
    session = client.session
    if session.get(NEEDS_SECOND_FACTOR):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench authenticator",
                                                     defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookie(user):
    client = signed_in_client(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def count_queries(users, urls):
    counts = {}
    for label, (url, persona) in urls.items():
        client = signed_in_client(users[persona])
        client.get(url)  # warm caches the way a second visit would find them
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        counts[label] = {"queries": len(captured.captured_queries), "status": status}
    return counts


def load(port, url, cookie, *, requests, threads):
    latencies, errors, lock = [], [], threading.Lock()
    per_thread = max(1, requests // threads)
    clock = {}

    def start_clock():
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + TIME_LIMIT_SECONDS

    warmed = threading.Barrier(threads, action=start_clock)  # every thread warm, then measure together

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(WARM_UP):  # not measured: a gunicorn worker still booting, a thread's first connection
            try:
                conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        warmed.wait()
        for _ in range(per_thread):
            if time.monotonic() > clock["deadline"]:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException) as error:
                ok, response = False, error
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                (latencies if ok else errors).append(elapsed if ok else str(getattr(response, "status", response)))

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall = time.monotonic() - clock["started"]
    return _summary(latencies, errors, wall)


def post_choices(faculty):
    """Learner/EPA/level combinations the faculty member may submit: the form's own selectors."""
    from django.utils import timezone

    from apps.academics.selectors import learners_for_assessor
    from apps.assessments.selectors import epas_for_assessor, epas_with_scale_levels

    learners = list(learners_for_assessor(assessor=faculty, today=timezone.localdate())[:30])
    epas = [epa for epa in epas_with_scale_levels(epas_for_assessor(assessor=faculty)) if epa.scale_levels]
    return [{"learner": str(learner.pk), "epa": str(epa.pk), "entrustment_level": str(epa.scale_levels[-1]["number"]),
             "assessment_date": timezone.localdate().isoformat()}
            for learner in learners for epa in epas if epa.epa_set_id == learner.program.epa_set_id]


def _form_token(port, cookie):
    """GET the form once: the csrftoken cookie and the masked token of the hidden field."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/assessments/new/", headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read().decode()
    csrf = next(c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or [] if c.startswith("csrftoken="))
    return f"{cookie}; {csrf}", CSRF_INPUT.search(body).group(1)


def post_load(port, cookie, choices, *, requests, threads, keys=None):
    """Threads POST the real form, each time with a fresh submission_key; 302 = saved. The keys
    posted are appended to ``keys`` (for ``bench_posts_remove``)."""
    latencies, errors, lock = [], [], threading.Lock()
    keys = [] if keys is None else keys
    deadline, per_thread = time.monotonic() + TIME_LIMIT_SECONDS, max(1, requests // threads)
    cookies, token = _form_token(port, cookie)
    headers = {"Cookie": cookies, "Host": "127.0.0.1", "Content-Type": "application/x-www-form-urlencoded"}

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(per_thread):
            if time.monotonic() > deadline:
                break
            key = str(uuid.uuid4())
            body = urlencode({**choices[(offset + n) % len(choices)], "csrfmiddlewaretoken": token,
                              "submission_key": key, "complications_occurred": "unknown",
                              "narrative_feedback": "Bench: clear plan, safe technique."})
            started = time.perf_counter()
            try:
                conn.request("POST", "/assessments/new/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status, conn = repr(error), http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                keys.append(key)
                (latencies if status == 302 else errors).append(elapsed if status == 302 else str(status))

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i * per_thread,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall = time.monotonic() - started
    return {**_summary(latencies, errors, wall), "threads": threads, "posted": len(keys), **_saved(keys)}


def median_of_rounds(summaries: list[dict]) -> dict:
    """One page's rounds (``load`` summaries, the pages measured in turn, then again) as one: the
    median of their p50s, p95s and throughputs, every request and error counted. Rounds spread a
    drift of the machine's speed (another tenant of the host, a background flush) over every page
    alike, instead of on whichever pages were being measured at the time; each round's p50 is kept."""
    measured = [summary for summary in summaries if summary["p50_ms"] is not None]
    if not measured:
        return {**summaries[0], "round_p50_ms": []}
    return {"requests": sum(summary["requests"] for summary in summaries),
            "errors": sum(summary["errors"] for summary in summaries),
            "p50_ms": statistics.median(summary["p50_ms"] for summary in measured),
            "p95_ms": statistics.median(summary["p95_ms"] for summary in measured),
            "rps": statistics.median(summary["rps"] for summary in measured),
            "error_sample": [error for summary in summaries for error in summary["error_sample"]][:3],
            "round_p50_ms": [summary["p50_ms"] for summary in summaries]}


def _summary(latencies, errors, wall):
    if not latencies:
        return {"requests": 0, "errors": len(errors), "p50_ms": None, "p95_ms": None, "rps": 0,
                "error_sample": errors[:3]}
    quantiles = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {"requests": len(latencies), "errors": len(errors), "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(quantiles[18], 1), "rps": round(len(latencies) / wall, 1), "error_sample": errors[:3]}


def _saved(keys):
    """Rows in the database for the posted keys: proves none lost and none duplicated."""
    from apps.assessments.models import EPAAssessment

    with unscoped("bench: count the assessments it posted"):
        rows = list(EPAAssessment.all_objects.filter(submission_key__in=keys).values_list("submission_key", flat=True))
    return {"saved": len(rows), "saved_distinct": len(set(rows))}


def bench_posts_remove(keys) -> dict:
    """Bench-only cleanup: delete what the bench's own assessment POSTs wrote, so the measured
    pages' data (learner progress, CCC packet, program dashboard: the faculty persona's program)
    is the same from one run to the next instead of growing by a thousand assessments a run.

    Removed: the assessments with these submission keys, their feedback tags, their simple-history
    rows, and the learners' "assessment received" notifications (with their history; deleted
    through the ORM so the unread-count cache is told). Kept: the audit rows (the audit log is
    append-only, and no measured page reads it) and the outbox rows of the dispatched tasks. The
    analytics views are rebuilt by the next run's timed refresh, before any page is measured.
    Call it after the worker has stopped (a notification written after the cleanup would stay)."""
    from apps.assessments.models import AssessmentFeedbackTag, EPAAssessment
    from apps.notifications.models import Channel, Notification

    if not keys:
        return {"assessments": 0, "notifications": 0}
    with unscoped("bench: remove the assessments the bench posted"), transaction.atomic():
        ids = list(EPAAssessment.all_objects.filter(submission_key__in=keys).values_list("pk", flat=True))
        notification_keys = [f"assessment:{pk}:received:{channel}" for pk in ids for channel in Channel.values]
        notifications = list(Notification.objects.filter(idempotency_key__in=notification_keys))
        notification_ids = [notification.pk for notification in notifications]  # delete() clears .pk
        for notification in notifications:
            notification.delete()  # post_delete: the learner's unread count is recounted
        with connection.cursor() as cursor:
            tables = (AssessmentFeedbackTag._meta.db_table, "assessment_id"), \
                     (EPAAssessment.history.model._meta.db_table, "id"), (EPAAssessment._meta.db_table, "id")
            for table, column in tables:  # raw: a model delete would write a "deleted" history row
                cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" = ANY(%s)', [ids])
            cursor.execute(f'DELETE FROM "{Notification.history.model._meta.db_table}" WHERE id = ANY(%s)',
                           [notification_ids])
    return {"assessments": len(ids), "notifications": len(notifications)}


def start_worker():
    """With a broker, a Celery worker drains what each POST queues (the learner's e-mail, the
    debounced refresh), as in production; e-mail goes to the locmem backend. None without Redis."""
    if not os.environ.get("REDIS_URL"):
        return None
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle"], cwd=ROOT, stdout=subprocess.DEVNULL,
        env={**os.environ, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})


def machine_load():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def stop_worker(worker, *, grace_seconds=300):
    """A warm shutdown: the worker finishes the task it is running (at L an analytics refresh takes
    about two minutes), then it is killed if it still has not stopped, so the run always ends with
    its results written and the write test's rows removed."""
    worker.terminate()
    try:
        worker.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)


def start_gunicorn(port, workers):
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", "2", "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DJANGO_DEBUG": "0"})
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/accounts/login/")
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def time_refresh():
    started = time.monotonic()
    outcome = analytics_refresh(concurrently=True)
    total = round((time.monotonic() - started) * 1000)
    return {"outcome": outcome, "total_ms": total,
            "views_ms": dict(AnalyticsRefresh.objects.values_list("view_name", "duration_ms"))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="S", choices=sorted(PREFIXES))
    parser.add_argument("--requests", type=int, default=200, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="every page is measured this many times in turn; its numbers are the rounds' medians")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--post-requests", type=int, default=1000, help="assessment POSTs in the write test")
    parser.add_argument("--post-threads", type=int, default=8)
    parser.add_argument("--only", help="comma-separated page labels to measure (and no POST test), e.g. "
                                       "'framework floor,patient chart' (or ';'-separated); prints them, writes no result file")
    options = parser.parse_args()

    rls.use_owner_login()  # migrate and seed as the owner; measure as the app role
    call_command("migrate", verbosity=0)  # a size's database starts empty the first time
    users, learner, program, year = ensure_data(options.size)
    rls.use_app_login()
    ward, meeting = users.pop("ward", None), users.pop("ccc_meeting", None)
    booking_world = users.pop("booking_world", None)
    urls, missing = pages(learner, program, year, users.get("practitioner"), ward, meeting)
    if options.only:
        separator = ";" if ";" in options.only else ","  # the day view's label has a comma
        wanted = {label.strip() for label in options.only.split(separator)} | {"framework floor"}
        urls = {label: value for label, value in urls.items() if label in wanted}
    result = {"size": options.size, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "cpus": os.cpu_count(), "gunicorn": f"{options.workers} workers × 2 threads",
              "load": f"{options.rounds} rounds × {options.requests} requests/page, {options.threads} client threads",
              "missing_pages": missing, "queries": count_queries(users, urls), "refresh": time_refresh(),
              "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1] + (" (Redis)" if settings.REDIS_URL else ""),
              "uptime_before": machine_load()}
    previous = ROOT / "bench" / f"results-{options.size}.json"
    if SEEDED:
        result["seed_seconds"], result["seed_when"] = SEEDED["seconds"], SEEDED["when"]
    elif previous.exists():  # the data was seeded by an earlier run: keep the time it recorded
        earlier = json.loads(previous.read_text())
        result.update({key: earlier[key] for key in ("seed_seconds", "seed_when") if key in earlier})
    with unscoped("bench: row counts"):
        from apps.assessments.models import EPAAssessment
        result["assessments_total"] = EPAAssessment.all_objects.count()
    server = start_gunicorn(options.port, options.workers)
    posted_keys = []  # the write test's submission keys: its rows are removed after it (bench_posts_remove)
    try:
        cookies = {persona: session_cookie(user) for persona, user in users.items()}
        for url, persona in urls.values():  # a pass not measured: each page's first requests in each server thread
            load(options.port, url, cookies[persona], requests=options.threads * 10, threads=options.threads)
        rounds = [{label: load(options.port, url, cookies[persona], requests=options.requests, threads=options.threads)
                   for label, (url, persona) in urls.items()} for _ in range(options.rounds)]
        result["pages"] = {label: median_of_rounds([measured[label] for measured in rounds]) for label in urls}
        if options.only:  # a partial run: pages only, printed, no result file (for profiling a change)
            server.terminate()
            print(json.dumps(result, indent=2, default=str))
            return
        worker = start_worker()
        result["celery_worker"] = "1 worker process (drains e-mail + refresh tasks)" if worker else "none (eager tasks)"
        result["post"] = post_load(options.port, cookies["faculty"], post_choices(users["faculty"]),
                                   requests=options.post_requests, threads=options.post_threads, keys=posted_keys)
        if booking_world is not None:
            result["booking"] = booking_load(options.port, cookies["reception"], booking_world)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if "worker" in locals() and worker:
            stop_worker(worker)
        removed = bench_posts_remove(posted_keys)  # the measured pages' data as it was before the POSTs
        if "post" in result:
            result["post"]["removed_after"] = removed
    result["uptime_after"] = machine_load()
    (ROOT / "bench" / f"results-{options.size}.json").write_text(json.dumps(result, indent=2, default=str))
    from bench.report import write_report
    write_report(ROOT)
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    # A platform script: what it does outside a request (sign-ins, counts) runs under the RLS
    # bypass; the pages it measures bind their own tenant, as in production.
    with rls.bypass("bench: platform script"):
        main()
