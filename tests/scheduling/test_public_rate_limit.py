"""The public booking page and its confirmation link are rate-limited per client address and per
site (the cache's hourly counters, apps.core.ratelimit): over a limit the visitor gets a 429 with
a clear message and nothing is written — no booking request, no e-mail, no appointment."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.scheduling import services
from apps.scheduling.models import Appointment, BookingRequest
from apps.scheduling.recurrence import localise

pytestmark = pytest.mark.django_db


def _next_weekday(days_ahead=3):
    day = timezone.now().date() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _details(client, page, consult, day, n, **extra):
    slot = client.get(page, {"service_type": consult.pk, "date": day.isoformat()}, **extra).context["slots"][n]
    return {"first_name": "Ada", "last_name": f"Quinn{n}", "date_of_birth": "1985-04-02", "email": "ada@example.org",
            "phone": "", "slot": f"{slot.practitioner.pk}|{slot.start.isoformat()}", "service_type": str(consult.pk),
            "website": ""}


def test_a_third_booking_request_from_one_address_in_an_hour_is_a_429_and_writes_nothing(
        client, clinic, practitioner, consult, weekday_hours, settings, django_capture_on_commit_callbacks):
    settings.ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP = 2
    page = reverse("scheduling:public_book", kwargs={"site_id": clinic.pk})
    day = _next_weekday()
    for n in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(page, _details(client, page, consult, day, n))
        assert sent.status_code == 200 and "Check your e-mail" in sent.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(page, _details(client, page, consult, day, 2))
    assert refused.status_code == 429
    assert "Too many booking requests" in refused.content.decode()
    assert BookingRequest.objects.for_company(clinic.company).count() == 2 and len(mail.outbox) == 2
    # another address is still served (the per-address limit; the site's is far away)
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(page, _details(client, page, consult, day, 2, REMOTE_ADDR="198.51.100.7"),
                            REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200 and BookingRequest.objects.for_company(clinic.company).count() == 3


def test_the_site_limit_holds_across_addresses_and_other_sites_are_not_affected(
        client, clinic, practitioner, consult, weekday_hours, settings, django_capture_on_commit_callbacks):
    from tests.factories import SiteFactory

    settings.ROUNDS_PUBLIC_BOOKING_VIEWS_PER_SITE = 2
    page = reverse("scheduling:public_book", kwargs={"site_id": clinic.pk})
    assert client.get(page, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(page, REMOTE_ADDR="192.0.2.2").status_code == 200
    refused = client.get(page, REMOTE_ADDR="192.0.2.3")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    elsewhere = SiteFactory(institution=clinic.institution, name="Bay Road Clinic")
    assert client.get(reverse("scheduling:public_book", kwargs={"site_id": elsewhere.pk}),
                      REMOTE_ADDR="192.0.2.3").status_code == 200


def test_the_confirmation_post_over_the_limit_is_a_429_and_books_nothing(
        client, clinic, practitioner, consult, weekday_hours, settings, django_capture_on_commit_callbacks):
    import re

    start = localise(datetime.datetime.combine(_next_weekday(), datetime.time(10)), clinic.time_zone)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.booking_request_create(site=clinic, service_type=consult, practitioner=practitioner,
                                              start=start, first_name="Ada", last_name="Quinn",
                                              date_of_birth=datetime.date(1985, 4, 2), email="ada@example.org")
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    settings.ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP = 0
    refused = client.post(link)
    assert refused.status_code == 429 and "Too many booking requests" in refused.content.decode()
    row.refresh_from_db()
    assert row.state == BookingRequest.State.AWAITING
    assert not Appointment.objects.for_company(clinic.company).exists()
    settings.ROUNDS_PUBLIC_BOOKING_POSTS_PER_IP = 10
    assert "Booked." in client.post(link).content.decode()
    assert Appointment.objects.for_company(clinic.company).count() == 1
