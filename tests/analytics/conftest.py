import pytest
from django.core.cache import cache

from apps.tenants.roles import Role
from tests.analytics.factories import AnalyticsAssessmentFactory, make_faculty, make_learner
from tests.factories import EPAFactory, MembershipFactory, ProgramFactory


@pytest.fixture(autouse=True)
def _no_debounce():
    """The refresh debounce lives in the cache; each test starts without one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program(sponsor):
    return ProgramFactory(sponsor=sponsor, name="Northwind General Surgery")


@pytest.fixture
def epas(program):
    return [EPAFactory(epa_set=program.epa_set, short_name=f"Northwind EPA {n}") for n in range(1, 4)]


@pytest.fixture
def rachel(program):
    """Rachel, a PGY-2 resident of Northwind General Surgery."""
    return make_learner(program=program, pgy_level=2, user__first_name="Rachel", user__last_name="Resident")


@pytest.fixture
def faith(program):
    """Faith, faculty of the same program: she assesses Rachel."""
    return make_faculty(program=program, user__first_name="Faith", user__last_name="Faculty").user


@pytest.fixture
def colin(program, make_user):
    return make_user(program.company, Role.COORDINATOR, program=program)


@pytest.fixture
def assess(rachel, faith, epas):
    def make(**kwargs):
        kwargs.setdefault("learner", rachel)
        kwargs.setdefault("assessor", faith)
        kwargs.setdefault("epa", epas[0])
        return AnalyticsAssessmentFactory(**kwargs)
    return make


@pytest.fixture
def southbay_learner(southbay):
    program = ProgramFactory(sponsor__institution__company=southbay, name="Southbay Surgery")
    learner = make_learner(program=program)
    MembershipFactory(user=learner.user, role=Role.FACULTY, program=program)
    return learner
