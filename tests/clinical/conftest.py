"""Harbor Street Clinic at Northwind and the people who work there."""

import pytest

from apps.tenants.roles import Role
from tests.clinical.factories import PatientFactory
from tests.factories import SiteFactory


@pytest.fixture
def clinic(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic")


@pytest.fixture
def staff(northwind, clinic, make_user):
    """make a person with one clinical role at the clinic: staff(Role.NURSE)."""

    def make(role, **kwargs):
        return make_user(northwind, role, site=clinic, **kwargs)

    return make


@pytest.fixture
def practitioner(staff):
    return staff(Role.PRACTITIONER, email="pat@northwind.example")


@pytest.fixture
def nurse(staff):
    return staff(Role.NURSE, email="nora@northwind.example")


@pytest.fixture
def reception(staff):
    return staff(Role.RECEPTION, email="rita@northwind.example")


@pytest.fixture
def learner(staff):
    return staff(Role.CLINICAL_LEARNER, email="lee@northwind.example")


@pytest.fixture
def patient(clinic):
    return PatientFactory(home_site=clinic, first_name="Margaret", last_name="Holloway")


@pytest.fixture
def southbay_charlie(southbay, make_user):
    clinic = SiteFactory(institution__company=southbay, name="Southbay Family Clinic")
    return make_user(southbay, Role.PRACTITIONER, site=clinic, email="charlie@southbay.example")
