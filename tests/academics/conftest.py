import pytest

from apps.academics import services
from apps.tenants.roles import Role
from tests.factories import (
    AcademicYearFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    RotationTypeFactory,
    SiteFactory,
    UserFactory,
)


@pytest.fixture
def program(sponsor):
    return ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")


@pytest.fixture
def casey(program):
    """Casey coordinates the surgery program."""
    user = UserFactory(company=program.company, email="casey@northwind.example", first_name="Casey")
    MembershipFactory(user=user, role=Role.COORDINATOR, program=program)
    return user


@pytest.fixture
def year(program, casey):
    year = AcademicYearFactory(program=program)
    services.blocks_generate(actor=casey, academic_year=year, pattern="four_week")
    return year


@pytest.fixture
def blocks(year):
    return list(year.blocks.order_by("number"))


@pytest.fixture
def acs(program):
    return RotationTypeFactory(program=program, name="Acute Care Surgery", code="ACS", colour=3,
                               is_required=True, minimum_weeks=8)


@pytest.fixture
def trauma(program):
    return RotationTypeFactory(program=program, name="Trauma", code="TRA", colour=5)


@pytest.fixture
def main_site(site):
    return site


@pytest.fixture
def clinic(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Harbor Street Clinic", student_capacity=1)


@pytest.fixture
def riley(program):
    return LearnerFactory(program=program, user__first_name="Riley", user__last_name="Chen",
                          user__email="riley@northwind.example", pgy_level=3)
