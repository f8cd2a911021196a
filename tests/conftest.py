import pytest

from tests.factories import CompanyFactory, MembershipFactory, SiteFactory, SponsorFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is deliberately slow; tests only need *a* hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def northwind(db):
    return CompanyFactory(name="Northwind Health", subdomain="northwind")


@pytest.fixture
def southbay(db):
    return CompanyFactory(name="Southbay Medical", subdomain="southbay")


@pytest.fixture
def make_user(db):
    """make_user(company, *roles, **membership scope) → a user holding those roles."""

    def make(company, *roles, email=None, **scope):
        user = UserFactory(company=company, **({"email": email} if email else {}))
        for role in roles:
            MembershipFactory(user=user, role=role, **scope)
        return user

    return make


@pytest.fixture
def sponsor(northwind):
    return SponsorFactory(institution__company=northwind, institution__name="Northwind University Hospital")


@pytest.fixture
def site(sponsor):
    return SiteFactory(institution=sponsor.institution, name="Northwind Main Campus")


@pytest.fixture(autouse=True)
def _tasks_run_eagerly():
    """Unit tests run Celery tasks in-process; tests marked ``worker`` use a real worker instead."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
