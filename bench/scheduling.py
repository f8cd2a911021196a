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

It uses its own database on the embedded server (``rounds_bench_scheduling``; DATABASE_URL wins),
migrated and seeded on first use, and re-creates the day's appointments on every run.
"""

import datetime
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"
if not os.environ.get("DATABASE_URL"):
    from config.database import embedded_app_database_url, embedded_database_url

    os.environ["DATABASE_URL"] = embedded_app_database_url(ROOT / "var", "rounds_bench_scheduling")
    os.environ["DATABASE_OWNER_URL"] = embedded_database_url(ROOT / "var", "rounds_bench_scheduling")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from apps.core import rls  # noqa: E402
from apps.core.scoping import unscoped  # noqa: E402

DAY = datetime.date(2027, 1, 12)  # a Tuesday
PRACTITIONERS, PER_PRACTITIONER, CLIENTS, SLOTS = 10, 20, 50, 20


def seed():
    """Company, clinic, 10 practitioners with hours, 200 appointments on DAY, reception, 70 patients."""
    from apps.clinical.models import Patient
    from apps.scheduling.models import Appointment, ServiceType, WeeklyAvailability
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
    Appointment.objects.filter(company=company).delete()
    from apps.scheduling.recurrence import localise

    rows = []
    for p_index, person in enumerate(people):
        for slot in range(PER_PRACTITIONER):
            start = localise(datetime.datetime.combine(DAY, datetime.time(8)) + datetime.timedelta(minutes=30 * slot),
                             site.time_zone)
            rows.append(Appointment(company=company, patient=patients[(slot * PRACTITIONERS + p_index) % 100],
                                    practitioner=person, site=site, service_type=service, start=start,
                                    end=start + datetime.timedelta(minutes=30)))
    Appointment.objects.bulk_create(rows)
    return {"company": company, "site": site, "reception": reception, "service": service,
            "free_practitioner": User.objects.filter(email="practitioner-free@bench-sched.example").first()
            or _free_practitioner(company, site), "patients": patients[100:100 + CLIENTS]}


def _free_practitioner(company, site):
    from apps.tenants.models import Membership, User
    from apps.tenants.roles import Role

    person = User.objects.create_user("practitioner-free@bench-sched.example", "bench-password", company=company,
                                      first_name="Free", last_name="Bench")
    Membership.objects.create(user=person, role=Role.PRACTITIONER, site=site, company=company)
    return person


class BenchClient(Client):
    """Signed in with the second factor verified (clinic staff need one), as after the verify step."""

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        with rls.bypass("bench: signing the bench's persona in (platform script)"):
            super().force_login(user, backend)
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench authenticator",
                                                         defaults={"confirmed": True})
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


def _p(values, q):
    return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else values[0]


def time_page(client, url, requests):
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


def booking_throughput(world):
    """50 threads, one patient each, all aiming at 20 slots of the free practitioner."""
    from apps.scheduling.models import Appointment

    site, service, person = world["site"], world["service"], world["free_practitioner"]
    with unscoped("bench: a clean slate for the free practitioner"):
        Appointment.objects.filter(company=world["company"], practitioner=person).delete()
    slots = [f"{DAY + datetime.timedelta(days=7)}T{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(SLOTS)]
    results, lock, barrier = [], threading.Lock(), threading.Barrier(CLIENTS)

    def one(index):
        client = BenchClient()
        client.force_login(world["reception"])
        body = {"patient": str(world["patients"][index].pk), "practitioner": str(person.pk), "site": str(site.pk),
                "service_type": str(service.pk), "start": slots[index % SLOTS]}
        barrier.wait()
        try:
            response = client.post("/api/scheduling/appointments/", body, content_type="application/json")
            outcome = response.status_code
        except Exception as error:  # noqa: BLE001 — the bench reports any failure
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
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
    return {"clients": CLIENTS, "slots": SLOTS, "appointments": booked, "wall_s": round(wall, 2),
            "answers": {code: [str(r) for r in results].count(code) for code in sorted(set(map(str, results)))}}


def main():
    rls.use_owner_login()
    call_command("migrate", verbosity=0)
    with unscoped("bench: seeding"):
        world = seed()
    rls.use_app_login()
    client = BenchClient()
    client.force_login(world["reception"])
    day_url = reverse("scheduling:day", kwargs={"site_id": world["site"].pk}) + f"?date={DAY}"
    floor = time_page(client, reverse("bench_floor"), 200)
    day = time_page(client, day_url, 100)
    result = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
              "uptime": os.getloadavg(), "framework floor": floor,
              "day view (10 practitioners, 200 appointments)": {**day, "x_floor": round(day["p50_ms"] / floor["p50_ms"], 1)},
              "booking throughput": booking_throughput(world)}
    (ROOT / "bench" / "results-scheduling.json").write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    with rls.bypass("bench: platform script"):
        main()
