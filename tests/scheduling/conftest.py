"""Harbor Street Clinic's appointment book: Dr Pat Okafor (practitioner), Rita at reception,
physio Sam, a treatment room, a 30-minute consultation and a 45-minute physio session."""

import datetime
from decimal import Decimal

import pytest

from apps.scheduling.models import ServiceType, WeeklyAvailability
from apps.tenants.models import Resource
from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory


@pytest.fixture
def clinic(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic", time_zone="America/New_York")


@pytest.fixture
def staff(northwind, clinic, make_user):
    def make(role, **kwargs):
        return make_user(northwind, role, site=clinic, **kwargs)

    return make


@pytest.fixture
def practitioner(staff):
    user = staff(Role.PRACTITIONER, email="pat@northwind.example")
    user.first_name, user.last_name = "Pat", "Okafor"
    user.save()
    return user


@pytest.fixture
def physio(staff):
    user = staff(Role.PRACTITIONER, email="sam@northwind.example")
    user.first_name, user.last_name = "Sam", "Reyes"
    user.save()
    return user


@pytest.fixture
def reception(staff):
    return staff(Role.RECEPTION, email="rita@northwind.example")


@pytest.fixture
def nurse(staff):
    return staff(Role.NURSE, email="nora@northwind.example")


@pytest.fixture
def patient(clinic):
    return PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway",
                          email="margaret@example.org", phone="+1 555 0100")


@pytest.fixture
def other_patient(clinic):
    return PatientFactory(home_site=clinic, first_name="Tom", last_name="Baker", email="tom@example.org",
                          phone="+1 555 0101")


@pytest.fixture
def room(clinic):
    return Resource.objects.create(site=clinic, company=clinic.company, name="Room 1", kind="room")


@pytest.fixture
def consult(northwind, clinic):
    return ServiceType.objects.create(company=northwind, name="Consultation", duration_minutes=30,
                                      price=Decimal("80.00"), colour="#2563eb", bookable_online=True)


@pytest.fixture
def physio_session(northwind):
    return ServiceType.objects.create(company=northwind, name="Physio session", duration_minutes=45,
                                      price=Decimal("65.00"), colour="#16a34a")


@pytest.fixture
def weekday_hours(clinic, practitioner):
    """Pat works 09:00–12:00 and 13:00–17:00, Monday to Friday."""
    for weekday in range(5):
        for start, end in ((9, 12), (13, 17)):
            WeeklyAvailability.objects.create(practitioner=practitioner, site=clinic, company=clinic.company,
                                              weekday=weekday, start_time=datetime.time(start),
                                              end_time=datetime.time(end))


def at(day: str, hhmm: str, zone="America/New_York"):
    """An aware instant from a local date and time at the site."""
    from zoneinfo import ZoneInfo

    return datetime.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def southbay_charlie(southbay, make_user):
    """Charlie works the book at Southbay's own clinic: every Northwind id must be a 404 to him."""
    clinic = SiteFactory(institution__company=southbay, name="Southbay Family Clinic")
    return make_user(southbay, Role.RECEPTION, Role.PRACTITIONER, site=clinic, email="charlie@southbay.example")


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """The public booking pages count requests in the cache (locmem here): each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
