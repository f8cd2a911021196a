"""Northwind General Hospital: a ward with beds, the people who work there, Harbor Street's patients."""

import pytest

from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory
from tests.hospital.factories import make_ward


@pytest.fixture
def hospital(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Northwind General Hospital")


@pytest.fixture
def ward_beds(hospital):
    return make_ward(hospital, name="Ward 4A", beds=4)


@pytest.fixture
def ward(ward_beds):
    return ward_beds[0]


@pytest.fixture
def beds(ward_beds):
    return ward_beds[1]


@pytest.fixture
def floor_staff(northwind, hospital, make_user):
    def make(role, **kwargs):
        return make_user(northwind, role, site=hospital, **kwargs)

    return make


@pytest.fixture
def doctor(floor_staff):
    return floor_staff(Role.PRACTITIONER, email="priya@northwind.example")


@pytest.fixture
def doctor2(floor_staff):
    return floor_staff(Role.PRACTITIONER, email="henrik@northwind.example")


@pytest.fixture
def nurse(floor_staff):
    return floor_staff(Role.NURSE, email="nadia@northwind.example")


@pytest.fixture
def labtech(floor_staff):
    return floor_staff(Role.LAB_TECHNICIAN, email="lena@northwind.example")


@pytest.fixture
def pharmacist(floor_staff):
    return floor_staff(Role.PHARMACIST, email="tomas@northwind.example")


@pytest.fixture
def patient(hospital):
    return PatientFactory(home_site=hospital, first_name="Margaret", last_name="Holloway")


@pytest.fixture
def patient2(hospital):
    return PatientFactory(home_site=hospital, first_name="Walter", last_name="Brennan")


@pytest.fixture
def southbay_charlie(southbay, make_user):
    clinic = SiteFactory(institution__company=southbay, name="Southbay Family Clinic")
    return make_user(southbay, Role.PRACTITIONER, site=clinic, email="charlie@southbay.example")
