"""The appointment book's two bench entries, runnable on their own (the whole `make bench` is long):

    .venv/bin/python -m bench.scheduling            # writes bench/results-scheduling.json

1. **Day view** of a site with 10 practitioners and 200 appointments (20 each, on one day):
   queries per page (the same number as for 2 appointments is pinned in
   tests/scheduling/test_book_pages.py) and p50/p95 against the framework floor (``bench_floor``),
   each measured in-process with Django's test client (same middleware, sessions, RLS), requests
   one after another. The target: day view p50 ≤ 3× floor.
2. **Booking throughput**: 50 concurrent clients (threads, each its own database connection and
   its own patient) POST to ``/api/scheduling/appointments/`` for the same 20 slots of one
   practitioner. The target: exactly 20 appointments, and every other answer a clean 409.

Standalone it uses its own database on the embedded server (``rounds_bench_scheduling``;
DATABASE_URL wins), migrated and seeded on first use, re-creates the day's appointments on every
run, and measures in-process. ``make bench`` (bench/run.py) imports ``seed`` (once per size
database), measures the day view as one more page under gunicorn, and runs the throughput test
against gunicorn with ``http_poster``: its ``result["booking"]``.
"""

import datetime
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup():
    """Standalone (``python -m bench.scheduling``): its own database, Django set up. bench/run.py
    imports this module after setting up its size's database instead."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"
    if not os.environ.get("DATABASE_URL"):
        from config.database import embedded_app_database_url, embedded_database_url

        os.environ["DATABASE_URL"] = embedded_app_database_url(ROOT / "var", "rounds_bench_scheduling")
        os.environ["DATABASE_OWNER_URL"] = embedded_database_url(ROOT / "var", "rounds_bench_scheduling")
    import django

    django.setup()


DAY = datetime.date(2027, 1, 12)  # a Tuesday
PRACTITIONERS, PER_PRACTITIONER, CLIENTS, SLOTS = 10, 20, 50, 20
DAY_PAGE = "day view (10 practitioners, 200 appointments)"


def seed(*, refill=True):
    """Company, clinic, 10 practitioners with hours, 200 appointments on DAY, reception, 150 patients.
    Idempotent; ``refill`` re-creates the day's appointments (else only when the day is empty)."""
    from apps.clinical.models import Patient
    from apps.scheduling.book_cache import book_changed
    from apps.scheduling.models import Appointment, ServiceType, WeeklyAvailability
    from apps.scheduling.recurrence import localise
    from apps.tenants.models import Company, Institution, Membership, Site, User
    from apps.tenants.roles import Role

    company, _ = Company.objects.get_or_create(subdomain="bench-sched", defaults={"name": "Bench Scheduling"})
    institution, _ = Institution.objects.get_or_create(company=company, name="Bench Clinic Group",
                                                       defaults={"kind": "clinic"})
    site, _ = Site.objects.get_or_create(company=company, institution=institution, name="Bench Clinic",
                                         defaults={"time_zone": "America/New_York", "kind": "clinic"})
    reception = User.objects.filter(email="reception@bench-sched.example").first() or User.objects.create_user(
        "reception@bench-sched.example", "bench-password", company=company, first_name="Rita", last_name="Bench")
    Membership.objects.get_or_create(user=reception, role=Role.RECEPTION, site=site, defaults={"company": company})
    people = []
    for index in range(PRACTITIONERS):
        email = f"practitioner-{index}@bench-sched.example"
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email, "bench-password", company=company, first_name="Doctor", last_name=f"Bench {index:02d}")
        Membership.objects.get_or_create(user=person, role=Role.PRACTITIONER, site=site, defaults={"company": company})
        WeeklyAvailability.objects.get_or_create(practitioner=person, site=site, weekday=DAY.weekday(),
                                                 start_time=datetime.time(8), end_time=datetime.time(18),
                                                 defaults={"company": company})
        people.append(person)
    service, _ = ServiceType.objects.get_or_create(company=company, name="Consultation",
                                                   defaults={"duration_minutes": 30})
    patients = list(Patient.objects.filter(company=company).order_by("mrn"))
    for index in range(len(patients), PER_PRACTITIONER * PRACTITIONERS // 2 + CLIENTS):
        patients.append(Patient.objects.create(company=company, home_site=site, mrn=f"B-{index:05d}",
                                               first_name="Pat", last_name=f"Bench{index:04d}",
                                               date_of_birth=datetime.date(1970, 1, 1)))
    free = (User.objects.filter(email="practitioner-free@bench-sched.example").first()
            or _free_practitioner(company, site))
    booked = Appointment.objects.filter(company=company, practitioner__in=people)
    if refill or not booked.exists():
        booked.delete()
        rows = []
        for p_index, person in enumerate(people):
            for slot in range(PER_PRACTITIONER):
                start = localise(datetime.datetime.combine(DAY, datetime.time(8))
                                 + datetime.timedelta(minutes=30 * slot), site.time_zone)
                rows.append(Appointment(company=company, patient=patients[(slot * PRACTITIONERS + p_index) % 100],
                                        practitioner=person, site=site, service_type=service, start=start,
                                        end=start + datetime.timedelta(minutes=30)))
        Appointment.objects.bulk_create(rows)
        book_changed(company_id=company.pk)  # bulk_create sends no signal (apps.scheduling.book_cache)
    return {"company": company, "site": site, "reception": reception, "service": service,
            "free_practitioner": free, "patients": patients[100:100 + CLIENTS]}


def day_url(site_id) -> str:
    from django.urls import reverse

    return reverse("scheduling:day", kwargs={"site_id": site_id}) + f"?date={DAY}"


def bench_site_id():
    """The bench clinic's id, or None before ``seed`` ran in this database."""
    from apps.core.scoping import unscoped
    from apps.tenants.models import Site

    with unscoped("bench: find the scheduling bench's clinic"):
        return Site.objects.filter(company__subdomain="bench-sched", name="Bench Clinic").values_list(
            "pk", flat=True).first()


def _free_practitioner(company, site):
    from apps.tenants.models import Membership, User
    from apps.tenants.roles import Role

    person = User.objects.create_user("practitioner-free@bench-sched.example", "bench-password", company=company,
                                      first_name="Free", last_name="Bench")
    Membership.objects.create(user=person, role=Role.PRACTITIONER, site=site, company=company)
    return person


def signed_in(user):
    """A test client signed in with the second factor verified (clinic staff need one)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.core import rls

    client = Client()
    with rls.bypass("bench: signing the bench's persona in (platform script)"):
        client.force_login(user)
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench authenticator",
                                                     defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _p(values, q):
    return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else values[0]


def time_page(client, url, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        status = client.get(url).status_code
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (url, status)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {"p50_ms": _p(timings, 50), "p95_ms": _p(timings, 95), "queries": len(captured.captured_queries),
            "requests": requests}


def in_process_poster(user):
    """POST with Django's test client (one signed-in client per call, its own database connection)."""
    from django.db import connections

    def post(url, body):
        client = signed_in(user)
        try:
            return client.post(url, body, content_type="application/json").status_code
        finally:
            connections.close_all()
    return post


def http_poster(port, cookie):
    """POST to gunicorn on 127.0.0.1:``port`` with a signed-in session ``cookie`` (and a CSRF
    token of our own, as a browser's JavaScript sends it)."""
    from django.utils.crypto import get_random_string

    # Django accepts a CSRF secret of 32 letters and digits only (token_urlsafe's - and _ made it a 403)
    token = get_random_string(32)
    headers = {"Cookie": f"{cookie}; csrftoken={token}", "X-CSRFToken": token, "Host": "127.0.0.1",
               "Content-Type": "application/json"}

    def post(url, body):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
        try:
            conn.request("POST", url, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()
    return post


def booking_throughput(world, post):
    """50 threads, one patient each, all aiming at 20 slots of the free practitioner; ``post(url,
    body)`` answers the status. Target: exactly 20 appointments, the other 30 answers 409."""
    from apps.core.scoping import unscoped
    from apps.scheduling.models import Appointment

    site, service, person = world["site"], world["service"], world["free_practitioner"]
    with unscoped("bench: a clean slate for the free practitioner"):
        Appointment.objects.filter(company=world["company"], practitioner=person).delete()
    slots = [f"{DAY + datetime.timedelta(days=7)}T{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(SLOTS)]
    results, lock, barrier = [], threading.Lock(), threading.Barrier(CLIENTS)

    def one(index):
        body = {"patient": str(world["patients"][index].pk), "practitioner": str(person.pk), "site": str(site.pk),
                "service_type": str(service.pk), "start": slots[index % SLOTS]}
        barrier.wait()
        try:
            outcome = post("/api/scheduling/appointments/", body)
        except Exception as error:  # noqa: BLE001 — the bench reports any failure
            outcome = f"error: {error!r}"
        with lock:
            results.append(outcome)

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    with unscoped("bench: counting"):
        booked = Appointment.objects.filter(practitioner=person).count()
    answers = {code: [str(r) for r in results].count(code) for code in sorted(set(map(str, results)))}
    return {"clients": CLIENTS, "slots": SLOTS, "appointments": booked, "wall_s": round(wall, 2), "answers": answers,
            "ok": booked == SLOTS and answers.get("201") == SLOTS and answers.get("409") == CLIENTS - SLOTS}


def main():
    from django.core.management import call_command
    from django.urls import reverse

    from apps.core import rls
    from apps.core.scoping import unscoped

    rls.use_owner_login()
    call_command("migrate", verbosity=0)
    with unscoped("bench: seeding"):
        world = seed()
    rls.use_app_login()
    client = signed_in(world["reception"])
    floor = time_page(client, reverse("bench_floor"), 200)
    day = time_page(client, day_url(world["site"].pk), 100)
    result = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
              "uptime": os.getloadavg(), "framework floor": floor,
              DAY_PAGE: {**day, "x_floor": round(day["p50_ms"] / floor["p50_ms"], 1)},
              "booking throughput": booking_throughput(world, in_process_poster(world["reception"]))}
    (ROOT / "bench" / "results-scheduling.json").write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    _setup()
    from apps.core import rls as _rls

    with _rls.bypass("bench: platform script"):
        main()
