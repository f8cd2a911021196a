"""The appointment book demo: Rosa at reception signs in and sees Harbor Street Clinic's day."""

import base64
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django_otp.oath import totp

from apps.clinical import demo as clinical_demo
from apps.core.scoping import unscoped
from apps.scheduling import demo as scheduling_demo
from apps.scheduling.models import Appointment, AppointmentSeries, WaitlistEntry
from apps.tenants import demo as tenants_demo
from apps.tenants.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


@pytest.mark.django_db
def test_the_book_demo_has_a_month_series_across_dst_no_shows_and_a_waitlist(client):
    world = {}
    quiet = lambda *args: None  # noqa: E731
    tenants_demo.seed(world, log=quiet)
    clinical_demo.seed(world, log=quiet)
    scheduling_demo.seed(world, log=quiet)
    with unscoped("test: counting demo rows"):
        before = Appointment.objects.count()
        scheduling_demo.seed(world, log=quiet)  # idempotent
        assert Appointment.objects.count() == before
        clinic = world["northwind"]["sites"][1]
        assert Appointment.objects.filter(site=clinic, series__isnull=True).count() > 150
        assert Appointment.objects.filter(site=clinic, status="noshow").exists()
        assert Appointment.objects.filter(site=clinic, status="fulfilled").exists()
        assert WaitlistEntry.objects.filter(site=clinic).count() == 4
        zone = ZoneInfo(clinic.time_zone)
        for series in AppointmentSeries.objects.filter(site=clinic):
            local = {a.start.astimezone(zone).strftime("%H:%M") for a in series.occurrences.all()}
            offsets = {a.start.astimezone(zone).utcoffset() for a in series.occurrences.all()}
            assert len(local) == 1 and len(offsets) == 2, series  # one local time on both sides of a change
    response = client.post(reverse("login"), {"username": "reception@northwind.example", "password": DEMO_PASSWORD},
                           follow=True)
    if reverse("two_factor_verify") in response.redirect_chain[-1][0]:
        code = f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
        client.post(response.redirect_chain[-1][0], {"token": code}, follow=True)
    day = client.get(reverse("scheduling:home"), follow=True)
    assert day.status_code == 200 and "Harbor Street Clinic" in day.content.decode()
    assert 'data-testid="appointment"' in day.content.decode()
