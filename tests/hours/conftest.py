import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.hours.models import HoursPolicy, RotationHours
from apps.tenants.roles import Role
from tests.factories import (
    AssignmentFactory,
    FacultyFactory,
    LearnerFactory,
    MembershipFactory,
    ProgramFactory,
    RotationTypeFactory,
    SiteFactory,
    StudentFactory,
    UserFactory,
)

TZ = "America/New_York"


@pytest.fixture
def today():
    return timezone.localtime(timezone.now(), ZoneInfo(TZ)).date()


@pytest.fixture
def clerkship(sponsor):
    program = ProgramFactory(sponsor=sponsor, name="Northwind Clerkship", kind="clerkship")
    HoursPolicy.objects.create(program=program, company=program.company, time_zone=TZ)
    return program


@pytest.fixture
def surgery(sponsor):
    program = ProgramFactory(sponsor=sponsor, name="Northwind Surgery")
    HoursPolicy.objects.create(program=program, company=program.company, time_zone=TZ)
    return program


@pytest.fixture
def hospital(sponsor):
    """Northwind Main Campus with a 200 m geofence (Boston, Longwood)."""
    return SiteFactory(institution=sponsor.institution, name="Northwind Hospital", latitude=Decimal("42.336000"),
                       longitude=Decimal("-71.106000"), geofence_radius_m=200)


@pytest.fixture
def paula(clerkship):
    """Paula precepts the family medicine rotation."""
    return FacultyFactory(program=clerkship, user__first_name="Paula", user__email="paula@northwind.example")


@pytest.fixture
def peter(clerkship):
    """Peter precepts another rotation of the same program."""
    return FacultyFactory(program=clerkship, user__first_name="Peter", user__email="peter@northwind.example")


@pytest.fixture
def family(clerkship):
    rotation = RotationTypeFactory(program=clerkship, name="Family medicine", code="FM")
    RotationHours.objects.create(rotation_type=rotation, company=rotation.company, required_hours=Decimal("160"))
    return rotation


@pytest.fixture
def sam(clerkship):
    """Sam, a student."""
    return StudentFactory(program=clerkship, user__first_name="Sam", user__email="sam@northwind.example")


@pytest.fixture
def sams_rotation(sam, family, hospital, paula, today):
    return AssignmentFactory(learner=sam, rotation_type=family, site=hospital, primary_supervisor=paula,
                             start_date=today - dt.timedelta(days=14), end_date=today + dt.timedelta(days=13))


@pytest.fixture
def tess(clerkship, family, hospital, peter, today):
    """Tess, a student on the same rotation type but precepted by Peter."""
    learner = StudentFactory(program=clerkship, user__first_name="Tess", user__email="tess@northwind.example")
    AssignmentFactory(learner=learner, rotation_type=family, site=hospital, primary_supervisor=peter,
                      start_date=today - dt.timedelta(days=14), end_date=today + dt.timedelta(days=13))
    return learner


@pytest.fixture
def cora(clerkship, surgery):
    """Cora coordinates both programs."""
    user = UserFactory(company=clerkship.company, first_name="Cora", email="cora@northwind.example")
    MembershipFactory(user=user, role=Role.COORDINATOR, program=clerkship)
    MembershipFactory(user=user, role=Role.COORDINATOR, program=surgery)
    return user


@pytest.fixture
def rhea(surgery):
    """Rhea, a PGY-2 surgery resident."""
    return LearnerFactory(program=surgery, pgy_level=2, user__first_name="Rhea", user__email="rhea@northwind.example")


@pytest.fixture
def charlie(southbay):
    """Charlie, coordinator at Southbay."""
    user = UserFactory(company=southbay, first_name="Charlie", email="charlie@southbay.example")
    program = ProgramFactory(sponsor__institution__company=southbay, name="Southbay Surgery")
    MembershipFactory(user=user, role=Role.COORDINATOR, program=program)
    return user
